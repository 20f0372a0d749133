import Foundation
import Glibc
import PodCore
import PodImage
import PodLaunch
import PodModel
import PodPlan

extension RunPlanner {
    /// Annotation that runs the workload as PID 1 itself, without pod-init.
    public static let noInitAnnotation = "podctl.io/no-init"

    func containerPlan(_ container: Container, image: ResolvedImage, volumes: [String: MountSource], etc: [MountSpec]) throws(PodError) -> ContainerPlan {
        let name = container.name ?? ""
        let config = image.record.config
        let env = environment(container, image: config)
        let argv = Self.command(container: container, image: config, env: env)
        let user = try resolveUser(container, image: image)
        let noInit = (pod.metadata?.annotations?[Self.noInitAnnotation] ?? "").split(separator: ",").contains { $0 == name || $0 == "*" }
        var plan = ContainerPlan(
            name: name, image: container.image ?? "", imageID: image.record.id.description, argv: argv,
            env: env.map { "\($0.name)=\($0.value)" }, cwd: container.workingDir ?? config.workingDir.flatMap { $0.isEmpty ? nil : $0 } ?? "/",
            uid: user.uid, gid: user.gid, groups: user.groups, lowerDirs: image.lowerDirs,
            mounts: etc + (try mounts(for: container, volumes: volumes)),
            readOnlyRoot: effectiveSecurity(container).readOnlyRootFilesystem == true, useInit: !noInit,
            isSidecar: container.isSidecar, stopSignal: Self.signalNumber(config.stopSignal) ?? SIGTERM,
            stdin: container.stdin == true, tty: container.tty == true,
            specHash: pod.specHashes.containers[name] ?? "")
        plan.stdinOnce = container.stdinOnce == true
        try plan.refuseNUL()
        return plan
    }

    /// Kubernetes' rule (Define a Command and Arguments for a Container): `command`
    /// replaces the image's Entrypoint and drops its Cmd; `args` replaces Cmd; both
    /// expand `$(VAR)` from the container's environment.
    static func command(container: Container, image: ImageConfig, env: [EnvEntry]) -> [String] {
        let command = container.command ?? []
        let args = container.args ?? []
        let values = Dictionary(env.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        let expand = { (text: String) in Expansion.expand(text, values) }
        if !command.isEmpty { return command.map(expand) + args.map(expand) }
        if !args.isEmpty { return (image.entrypoint ?? []) + args.map(expand) }
        return (image.entrypoint ?? []) + (image.cmd ?? [])
    }

    /// A container's security context over the pod's: the container's fields win.
    func effectiveSecurity(_ container: Container) -> SecurityContext {
        var context = container.securityContext ?? SecurityContext()
        let podContext = spec.securityContext
        context.runAsUser = context.runAsUser ?? podContext?.runAsUser
        context.runAsGroup = context.runAsGroup ?? podContext?.runAsGroup
        context.runAsNonRoot = context.runAsNonRoot ?? podContext?.runAsNonRoot
        context.seccompProfile = context.seccompProfile ?? podContext?.seccompProfile
        return context
    }

    static func signalNumber(_ name: String?) -> Int32? {
        guard var name = name?.uppercased(), !name.isEmpty else { return nil }
        if let number = Int32(name) { return number }
        if !name.hasPrefix("SIG") { name = "SIG" + name }
        let table: [String: Int32] = ["SIGHUP": SIGHUP, "SIGINT": SIGINT, "SIGQUIT": SIGQUIT, "SIGKILL": SIGKILL, "SIGUSR1": SIGUSR1,
                                      "SIGUSR2": SIGUSR2, "SIGTERM": SIGTERM, "SIGWINCH": SIGWINCH, "SIGPWR": SIGPWR, "SIGSTOP": SIGSTOP]
        return table[name]
    }
}

/// Kubernetes' `$(VAR)` expansion (third_party/forked/golang/expansion): `$(NAME)` is
/// replaced when NAME is defined, kept as written when not; `$$` is a literal `$`.
enum Expansion {
    static func expand(_ text: String, _ values: [String: String]) -> String {
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex else {
                result.append(character)
                index = next
                continue
            }
            if text[next] == "$" {
                result.append("$")
                index = text.index(after: next)
            } else if text[next] == "(", let close = text[next...].firstIndex(of: ")") {
                let name = String(text[text.index(after: next)..<close])
                result += values[name] ?? "$(\(name))"
                index = text.index(after: close)
            } else {
                result.append(character)
                index = next
            }
        }
        return result
    }
}
