import Foundation
import PodCore
import PodImage
import PodModel
import PodPlan
import PodStore

/// Pulls an image into the store. podctl gives the runtime its registry client
/// (PodRegistry, through `PodManager.imagePulling`); PodRuntime does not link it, so
/// pod-supervisor, one per pod, does not load libcurl and its two dozen libraries (D37).
public protocol ImagePulling: Sendable {
    func pull(_ reference: String) throws(PodError) -> ImageRecord
}

/// imagePullPolicy at apply (Kubernetes' Images concept page): `Never` uses only the
/// store, `IfNotPresent` pulls what the store lacks, `Always` asks the registry every
/// time (a pull whose blobs are all stored moves only the manifest). An image the store
/// holds under a `localhost/` name was made on this host (image import or load) and is
/// never pulled, whatever the policy: there is no registry to ask (podman's rule); a
/// `localhost/` name missing from the store fails the apply as D18 says.
struct ImagePulls {
    let images: ImageStore
    let puller: ImagePulling

    /// A container whose image could not be pulled, with the registry's words.
    struct Failure: Sendable {
        let container: String
        let image: String
        let message: String
        /// The container's waiting reason: `ErrImagePull`, or `ErrImageNeverPull` for a
        /// missing image the policy forbids pulling.
        var reason = "ErrImagePull"
    }

    /// Pulls what the pod's policies ask for, each image once. Returns the failures, a
    /// missing `Never` or `localhost/` image among them: the pod waits for it (D58), and
    /// the retrying process finds it once it is loaded.
    /// `events` gets the kubelet's events for each container (Pulling, Pulled, Failed).
    func ensure(_ pod: Pod, key: PodKey, events: inout PodStatusRecord) throws(PodError) -> [Failure] {
        var failures: [Failure] = []
        var done: [String: Failure?] = [:]  // image → its failure, nil when it is there
        for container in pod.spec?.allContainers ?? [] {
            let image = container.image ?? ""
            let name = container.name ?? ""
            if let outcome = done[image] {
                if let failure = outcome { failures.append(Failure(container: name, image: image, message: failure.message, reason: failure.reason)) }
                continue
            }
            let policy = container.imagePullPolicy ?? "IfNotPresent"
            let stored = try? images.resolve(image)
            let local = stored?.matchedName?.hasPrefix(ImageReference.local + "/") == true
            // A missing local name is an ErrImagePull that asks no registry; with Never it is
            // the kubelet's ErrImageNeverPull below, whatever the name.
            if stored == nil, policy != "Never", let reference = try? ImageReference.parse(image), reference.domain == ImageReference.local {
                let failure = Failure(container: name, image: image, message: "container image \"\(image)\" is a local name (localhost/…), which podctl never pulls, and it is not in the store; load it with podctl image load, or podctl image import")
                done[image] = .some(failure)
                failures.append(failure)
                continue
            }
            let object = "spec.\(pod.spec?.initContainers?.contains { $0.name == name } == true ? "initContainers" : "containers"){\(name)}"
            if policy == "Never" || local || (policy == "IfNotPresent" && stored != nil) {
                if stored == nil {
                    // imageManager.EnsureImageExists: the kubelet's words (its %q), re-checked at each retry.
                    let failure = Failure(container: name, image: image, message: "Container image \(GoQuote.quoted(image)) is not present with pull policy of Never", reason: "ErrImageNeverPull")
                    done[image] = .some(failure)
                    failures.append(failure)
                    continue
                }
                events.record(.normal, "Pulled", "Container image \"\(image)\" already present on machine", object: object)
                done[image] = .some(nil)
                continue
            }
            do {
                events.record(.normal, "Pulling", "Pulling image \"\(image)\"", object: object)
                let started = Clock.monotonic()
                let record = try puller.pull(image)
                let seconds = String(format: "%.3fs", Clock.monotonic() - started)
                events.record(.normal, "Pulled", "Successfully pulled image \"\(image)\" in \(seconds). Image size: \(record.size) bytes.", object: object)
                done[image] = .some(nil)
            } catch {
                let failure = Failure(container: name, image: image, message: error.message)
                done[image] = .some(failure)
                failures.append(failure)
            }
        }
        return failures
    }
}
