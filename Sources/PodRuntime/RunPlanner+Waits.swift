import PodCore
import PodModel

extension RunPlanner {
    /// `verifyRunAsNonRoot` (kubelet, security_context_others.go): the kubelet's message
    /// when runAsNonRoot meets a user that is root; nil when the container may start.
    func nonRootProblem(_ container: Container, user: UInt32) -> String? {
        let security = effectiveSecurity(container)
        guard security.runAsNonRoot == true else { return nil }
        let subject = "(pod: \"\(pod.name)_\(pod.namespace)(\(uid))\", container: \(container.name ?? ""))"
        if security.runAsUser == 0 { return "container's runAsUser breaks non-root policy \(subject)" }
        return user == 0 ? "container has runAsNonRoot and image will run as root \(subject)" : nil
    }

    /// The containers that cannot be created for their user (runAsNonRoot and a root
    /// image): `CreateContainerConfigError`, a waiting state, not an apply refusal (D58).
    /// Needs the images in the store (after the pulls); an image that cannot be resolved
    /// here is left to `plan()`, which names it.
    func userWaits() -> [CreateWaits.ContainerProblem] {
        spec.allContainers.compactMap { container in
            guard effectiveSecurity(container).runAsNonRoot == true,
                  let image = try? resolveImage(container),
                  let user = try? resolveUser(container, image: image, checkNonRoot: false),
                  let problem = nonRootProblem(container, user: user.uid) else { return nil }
            return CreateWaits.ContainerProblem(container: container.name ?? "", message: problem)
        }
    }
}
