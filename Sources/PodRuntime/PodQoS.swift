import Foundation
import PodModel

/// The pod's quality of service class, computed as Kubernetes does
/// (`pkg/apis/core/v1/helper/qos.ComputePodQOS`) from the CPU and memory requests and
/// limits of every container, init containers included, after defaulting (a limit
/// without a request requests the limit):
///
/// - **BestEffort**: no container requests or limits CPU or memory (zero counts as unset);
/// - **Guaranteed**: every container limits both CPU and memory, and the pod's summed
///   requests equal its summed limits for each;
/// - **Burstable**: anything else.
public enum QoSClass: String, Sendable {
    case bestEffort = "BestEffort"
    case burstable = "Burstable"
    case guaranteed = "Guaranteed"

    public init(_ pod: Pod) {
        let spec = pod.withDefaults().spec
        let containers = (spec?.containers ?? []) + (spec?.initContainers ?? [])
        var requests: [String: Decimal] = [:]
        var limits: [String: Decimal] = [:]
        var guaranteed = true
        for container in containers {
            for (name, amount) in Self.positive(container.resources?.requests) {
                requests[name, default: 0] += amount
            }
            let found = Self.positive(container.resources?.limits)
            for (name, amount) in found { limits[name, default: 0] += amount }
            if !Self.computeResources.allSatisfy({ found[$0] != nil }) { guaranteed = false }
        }
        if requests.isEmpty && limits.isEmpty {
            self = .bestEffort
        } else if guaranteed && requests.allSatisfy({ limits[$0.key] == $0.value }) && requests.count == limits.count {
            self = .guaranteed
        } else {
            self = .burstable
        }
    }

    private static let computeResources = ["cpu", "memory"]

    /// The CPU and memory amounts above zero; other resources do not decide the class.
    private static func positive(_ list: [String: Quantity]?) -> [String: Decimal] {
        var result: [String: Decimal] = [:]
        for (name, quantity) in list ?? [:] where computeResources.contains(name) {
            if let amount = quantity.decimal, amount > 0 { result[name] = amount }
        }
        return result
    }
}
