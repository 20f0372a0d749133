import Foundation
import Glibc
import PodCore
import PodStore

func key(_ name: String, _ namespace: String = "default") -> PodKey {
    try! PodKey(namespace: namespace, name: name)
}

/// Runs blocking work on a Dispatch thread, never on the cooperative pool.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: body()) }
    }
}
