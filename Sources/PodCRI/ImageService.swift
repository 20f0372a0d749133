import Foundation
import GRPCCore
import PodCore
import PodCRIProtocol
import PodImage
import PodRegistry
import PodRuntime

/// `runtime.v1.ImageService` over podctl's image store, the one `podctl image ls` shows,
/// with containerd's semantics (pkg/cri/server/image_*.go): an image that is not there
/// is an empty ImageStatus, not an error; removing one that is not there succeeds.
public struct ImageService: Runtime_V1_ImageService.SimpleServiceProtocol {
    let context: CRIContext
    let filesystem: ImageFilesystem

    public init(context: CRIContext) {
        self.context = context
        filesystem = ImageFilesystem(directory: context.store.imagesDirectory)
    }

    public func listImages(request: Runtime_V1_ListImagesRequest, context _: ServerContext) async throws -> Runtime_V1_ListImagesResponse {
        let images = context.images
        let filter = request.filter.image.image
        let stored = try await Blocking.run { () throws(PodError) -> [ImageStore.StoredImage] in
            if filter.isEmpty { return try images.images() }
            return try ImageService.find(filter, in: images).map { [$0] } ?? []
        }
        var response = Runtime_V1_ListImagesResponse()
        response.images = stored.map(CRIImage.message)
        return response
    }

    public func imageStatus(request: Runtime_V1_ImageStatusRequest, context _: ServerContext) async throws -> Runtime_V1_ImageStatusResponse {
        let reference = try ImageService.required(request.image.image, field: "image.image")
        let images = context.images
        guard let image = try await Blocking.run({ () throws(PodError) in try ImageService.find(reference, in: images) }) else {
            return Runtime_V1_ImageStatusResponse()  // containerd: not found is an empty image, no error
        }
        var response = Runtime_V1_ImageStatusResponse()
        response.image = CRIImage.message(image)
        if request.verbose { response.info = try await Blocking.run { () throws(PodError) in try CRIImage.verboseInfo(image) } }
        return response
    }

    public func pullImage(request: Runtime_V1_PullImageRequest, context _: ServerContext) async throws -> Runtime_V1_PullImageResponse {
        let reference = try ImageService.required(request.image.image, field: "image.image")
        do throws(PodError) { _ = try ImagePuller.reference(reference) } catch { throw RPCFailure.invalid("image.image", error.message) }
        let auth: (credential: Credential, host: String?)?
        do throws(PodError) { auth = try PullCredential.from(request.auth) } catch { throw RPCFailure.status(error) }
        let context = self.context
        let id = try await Blocking.run { () throws(PodError) -> String in
            // A localhost/ image was made here (podctl image import/load): never pulled (D34).
            if let local = try? ImageReference.parse(reference), local.domain == ImageReference.local, let image = try ImageService.find(reference, in: context.images) {
                return image.record.id.description
            }
            let result = try context.puller().pull(reference, credential: auth?.credential, credentialHost: auth?.host)
            return result.image.record.id.description
        }
        filesystem.invalidate()
        var response = Runtime_V1_PullImageResponse()
        response.imageRef = id
        return response
    }

    /// Removes the image with every name it has, as containerd's RemoveImage does, and
    /// the layers nothing else needs. An image a podctl pod's manifest uses is refused
    /// (FailedPrecondition): its layers are that pod's root file system.
    public func removeImage(request: Runtime_V1_RemoveImageRequest, context _: ServerContext) async throws -> Runtime_V1_RemoveImageResponse {
        let reference = try ImageService.required(request.image.image, field: "image.image")
        let context = self.context
        try await Blocking.run { () throws(PodError) -> Void in
            guard let image = try ImageService.find(reference, in: context.images) else { return }  // idempotent
            let usage = try ImageUsage.scan(context.store, images: context.images)
            let pods = usage.pods(using: image.record.id)
            if !pods.isEmpty || !usage.unreadable.isEmpty {
                let why = pods.isEmpty ? "cannot tell whether a pod uses it: \(usage.unreadable.joined(separator: ", ")) cannot be read" : "podctl pod \(pods.map(\.description).joined(separator: ", ")) uses it"
                throw PodError(.conflict, "image \(reference) is not removed: \(why); delete the pod first")
            }
            let report = try context.images.remove([image.record.id.description], force: true, usage: usage)
            if let failure = report.failures.first, !(failure.code == .notFound) { throw failure }
        }
        filesystem.invalidate()
        return Runtime_V1_RemoveImageResponse()
    }

    public func imageFsInfo(request: Runtime_V1_ImageFsInfoRequest, context _: ServerContext) async throws -> Runtime_V1_ImageFsInfoResponse {
        let filesystem = self.filesystem
        let usage = try await Blocking.run { () throws(PodError) in try filesystem.usage() }
        var entry = Runtime_V1_FilesystemUsage()
        entry.timestamp = usage.timestamp
        entry.fsID.mountpoint = filesystem.directory
        entry.usedBytes.value = usage.bytes
        entry.inodesUsed.value = usage.inodes
        var response = Runtime_V1_ImageFsInfoResponse()
        response.imageFilesystems = [entry]
        return response
    }

    /// The image a CRI reference names (name, `name@digest`, ID or ID prefix), or nil.
    static func find(_ reference: String, in images: ImageStore) throws(PodError) -> ImageStore.StoredImage? {
        do throws(PodError) { return try images.resolve(reference).image } catch {
            if error.code == .notFound { return nil }
            throw error
        }
    }

    /// A required string field: present, bounded, without control characters.
    static func required(_ value: String, field: String) throws -> String {
        if value.isEmpty { throw RPCFailure.invalid(field, "an image reference is required") }
        if value.utf8.count > 4096 { throw RPCFailure.invalid(field, "longer than 4096 bytes") }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) { throw RPCFailure.invalid(field, "contains a control character") }
        return value
    }
}
