import ArgumentParser
import Foundation
import PodCore
import PodModel
import Yams

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case json, yaml, name
}

/// Prints API objects as kubectl does: JSON (several objects as a v1 List), YAML
/// (documents separated by ---), or resource/name lines.
enum ObjectPrinter {
    static func render(_ objects: [ManifestObject], as format: OutputFormat) throws(PodError) -> String {
        switch format {
        case .name:
            return objects.map { $0.resourceName + "\n" }.joined()
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            do {
                let data = objects.count == 1
                    ? try encoder.encode(AnyObject(objects[0]))
                    : try encoder.encode(ObjectList(items: objects.map(AnyObject.init)))
                return String(decoding: data, as: UTF8.self) + "\n"
            } catch {
                throw PodError(.internal, "cannot encode the objects as JSON", cause: .text("\(error)"))
            }
        case .yaml:
            let encoder = YAMLEncoder()
            encoder.options.sortKeys = true
            do {
                return try objects.map { try encoder.encode(AnyObject($0)) }.joined(separator: "---\n")
            } catch {
                throw PodError(.internal, "cannot encode the objects as YAML", cause: .text("\(error)"))
            }
        }
    }

    struct AnyObject: Encodable {
        let object: ManifestObject
        init(_ object: ManifestObject) { self.object = object }

        func encode(to encoder: Encoder) throws {
            switch object.content {
            case let .pod(pod): try pod.encode(to: encoder)
            case let .configMap(map): try map.encode(to: encoder)
            case let .secret(secret): try secret.encode(to: encoder)
            case let .claim(claim): try claim.encode(to: encoder)
            }
        }
    }

    struct ObjectList: Encodable {
        let apiVersion = "v1"
        let kind = "List"
        let items: [AnyObject]
    }
}
