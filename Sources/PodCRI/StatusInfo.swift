import Foundation
import PodCgroups
import PodCore
import PodNetwork

/// Status with `verbose`: the `info` map, whose values are JSON documents (crictl info
/// prints them merged, as containerd's "config" entry). What the daemon runs with: the
/// roots, the cgroup root and driver, the network, registries.conf, the recorded pod CIDR.
struct StatusInfo {
    let context: CRIContext

    func info() throws(PodError) -> [String: String] {
        let network = try? NetworkConfig.resolve(root: context.store.roots.root, environment: context.environment)
        let recorded = try RuntimeConfigRecord.read(in: context.stateDirectory)
        let config: [String: Any] = [
            "runtimeName": RuntimeService.runtimeName,
            "runtimeVersion": PodctlRelease.version,
            "root": context.store.roots.root,
            "runRoot": context.store.roots.runRoot,
            "imageStore": context.store.imagesDirectory,
            "cgroupRoot": context.cgroupRoot,
            "cgroupDriver": "cgroupfs",
            "cgroupVersion": CgroupHierarchy.detect()?.version.rawValue ?? "none",
            "registriesConf": context.registriesConf,
            "bridge": network?.bridge ?? "",
            "podSubnet": network.map { "\($0.subnet)" } ?? "",
            "podCIDR": recorded?.podCIDR ?? "",
        ]
        return ["config": try StatusInfo.json(config)]
    }

    static func json(_ object: Any) throws(PodError) -> String {
        do {
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        } catch {
            throw PodError(.internal, "cannot encode the status info as JSON", cause: .text("\(error)"))
        }
    }
}
