import Foundation
import Glibc
import Testing

extension Trait where Self == ConditionTrait {
    /// For tests that need root (namespaces, mounts, cgroups, device nodes, xattrs):
    /// without root they show as skipped, with the reason, never as passed.
    public static func needsRoot(_ why: Comment = "needs root (namespaces, mounts, cgroups)") -> Self {
        requires(getuid() == 0, why)
    }

    /// The integration suites' gate: root, for the throwaway namespaces of the Harness.
    public static var needsRoot: Self { needsRoot() }

    /// Skipped, with the reason, when `available` is false; under CI=true the test runs
    /// anyway, so a runner that lacks what it needs fails it: there a skip is a failure.
    public static func requires(_ available: @autoclosure @escaping @Sendable () -> Bool, _ why: Comment) -> Self {
        .enabled(if: available() || ProcessInfo.processInfo.environment["CI"] == "true", why)
    }
}
