import Glibc
import PodCRIProtocol

/// `StatusResponse.runtime_handlers`: podctl's one handler, the default (name ""), with
/// the features containerd 2.x reports for runc, each only where this kernel has what it
/// needs: recursive read-only mounts need mount_setattr(2) (Linux 5.12, containerd's
/// check too), user namespaces idmapped mounts of the image layers under overlayfs (Linux
/// 5.19, docs/security.md). critest skips its recursive read-only and user namespace
/// specs unless the handler it runs says so.
struct RuntimeHandlerFeatures: Equatable {
    var recursiveReadOnlyMounts: Bool
    var userNamespaces: Bool

    /// From a uname(2) release such as `6.1.0-18-amd64`; one that does not parse has neither.
    init(kernelRelease: String) {
        let numbers = kernelRelease.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        let version = numbers.count == 2 ? (numbers[0], numbers[1]) : (0, 0)
        recursiveReadOnlyMounts = version >= (5, 12)
        userNamespaces = version >= (5, 19)
    }

    static func running() -> RuntimeHandlerFeatures {
        var name = utsname()
        guard uname(&name) == 0 else { return RuntimeHandlerFeatures(kernelRelease: "") }
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return RuntimeHandlerFeatures(kernelRelease: release)
    }

    var handlers: [Runtime_V1_RuntimeHandler] {
        var handler = Runtime_V1_RuntimeHandler()
        handler.name = ""
        handler.features.recursiveReadOnlyMounts = recursiveReadOnlyMounts
        handler.features.userNamespaces = userNamespaces
        return [handler]
    }
}
