import Foundation
import GRPCCore
import PodCore
import PodCRIProtocol
import PodNetwork
import PodOS

/// `runtime.v1.RuntimeService`: the runtime-wide RPCs, with containerd's answers
/// (pkg/cri/server/{version,status,update_runtime_config}.go). The sandbox, container and
/// ExecSync RPCs are in RuntimeService+{Sandbox,Container,ExecSync}.swift; what is not
/// served yet answers Unimplemented (RuntimeService+Unimplemented.swift).
public struct RuntimeService: Runtime_V1_RuntimeService.SimpleServiceProtocol {
    /// The name and API version the kubelet checks (containerd answers "containerd", "v1").
    static let runtimeName = "podctl"
    static let apiVersion = "v1"
    /// The version field is the CRI's own kubelet API version, "0.1.0" for v1 (containerd's
    /// `kubeAPIVersion`, crictl prints it as Version).
    static let kubeAPIVersion = "0.1.0"

    let context: CRIContext

    public init(context: CRIContext) { self.context = context }

    public func version(request: Runtime_V1_VersionRequest, context _: ServerContext) async throws -> Runtime_V1_VersionResponse {
        var response = Runtime_V1_VersionResponse()
        response.version = RuntimeService.kubeAPIVersion
        response.runtimeName = RuntimeService.runtimeName
        response.runtimeVersion = PodctlRelease.version
        response.runtimeApiVersion = RuntimeService.apiVersion
        return response
    }

    public func status(request: Runtime_V1_StatusRequest, context _: ServerContext) async throws -> Runtime_V1_StatusResponse {
        let context = self.context
        let conditions = RuntimeConditions(context: context)
        let (runtime, network) = try await Blocking.run { () throws(PodError) in (conditions.runtime(), conditions.network()) }
        var response = Runtime_V1_StatusResponse()
        response.status.conditions = [runtime, network].map { condition in
            var converted = Runtime_V1_RuntimeCondition()
            converted.type = condition.type
            converted.status = condition.ready
            converted.reason = condition.reason
            converted.message = condition.message
            return converted
        }
        response.runtimeHandlers = RuntimeHandlerFeatures.running().handlers
        // Strict leaves the image's /etc/group out (RunPlanner.strictGroups), and
        // ContainerStatus reports the process's user.
        response.features.supplementalGroupsPolicy = true
        if request.verbose { response.info = try await Blocking.run { () throws(PodError) in try StatusInfo(context: context).info() } }
        return response
    }

    public func runtimeConfig(request: Runtime_V1_RuntimeConfigRequest, context _: ServerContext) async throws -> Runtime_V1_RuntimeConfigResponse {
        // podctl places pods under PODCTL_CGROUP_ROOT by itself (docs/resources.md): cgroupfs.
        var response = Runtime_V1_RuntimeConfigResponse()
        response.linux.cgroupDriver = .cgroupfs
        return response
    }

    /// The kubelet sends the node's pod CIDR; containerd writes it into its CNI
    /// template. podctl records it (`<root>/cri/runtime-config.json`, shown by Status
    /// verbose) and keeps its own bridge subnet: an empty CIDR changes nothing, as in
    /// containerd.
    public func updateRuntimeConfig(request: Runtime_V1_UpdateRuntimeConfigRequest, context _: ServerContext) async throws -> Runtime_V1_UpdateRuntimeConfigResponse {
        let cidr = request.runtimeConfig.networkConfig.podCidr
        if cidr.isEmpty { return Runtime_V1_UpdateRuntimeConfigResponse() }
        for part in cidr.split(separator: ",", omittingEmptySubsequences: false) where !PodCIDR.isValid(String(part)) {
            throw RPCFailure.invalid("runtime_config.network_config.pod_cidr", "\"\(part)\" is not a network in CIDR form, such as 10.244.0.0/24 or fd00::/64")
        }
        let record = RuntimeConfigRecord(podCIDR: cidr)
        let directory = context.stateDirectory
        try await Blocking.run { () throws(PodError) in try record.write(in: directory) }
        return Runtime_V1_UpdateRuntimeConfigResponse()
    }
}
