import Foundation
import Glibc
import PodCore
import PodImage
import PodModel
import PodOS
import PodStore

extension PodManager {
    /// After images were added to the store (`image load`, `import`, `pull`): a pod
    /// waiting for its images (D31) whose images are all there now, and whose policies
    /// ask for no pull (`Never`, `IfNotPresent`, `localhost/` names), is created at once
    /// rather than at its next retry, which may be minutes away (D58). Its retrying
    /// process is then stopped. Returns a line for each pod that could not be created.
    public func imagesAdded() -> [String] {
        let images = ImageStore(store: store)
        var problems: [String] = []
        for key in (try? store.podKeys()) ?? [] {
            let paths = PodPaths(store: store, key: key)
            guard isWaitingForImages(paths),
                  let pending = try? store.read(PendingPull.self, from: PendingPull.path(paths)),
                  Self.presenceIsEnough(pending.pod, images: images) else { continue }
            let retrying = (try? readStatus(paths))?.supervisorPID ?? 0
            do {
                if try completePendingPull(directory: paths.directory, runDirectory: paths.runDirectory, expected: pending),
                   retrying > 0, supervisorAlive(pid: retrying) {
                    kill(retrying, SIGTERM)
                }
            } catch {
                problems.append("pod/\(key.name): \(error)")
            }
        }
        return problems
    }

    /// Every image of the pod is in the store, and none is to be pulled all the same
    /// (`Always` on a registry name is a pull whatever the store holds).
    static func presenceIsEnough(_ pod: Pod, images: ImageStore) -> Bool {
        (pod.spec?.allContainers ?? []).allSatisfy { container in
            guard let stored = try? images.resolve(container.image ?? "") else { return false }
            let local = stored.matchedName?.hasPrefix(ImageReference.local + "/") == true
            return local || container.imagePullPolicy != "Always"
        }
    }
}
