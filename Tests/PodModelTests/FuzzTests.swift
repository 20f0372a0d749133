import Foundation
import Testing
@testable import PodModel

/// Random mutations of valid manifests never crash the decoder: each gives errors or
/// objects, nothing else. Seeded, so a failure is reproducible.
@Suite struct FuzzTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let samples: [Value] = [
        .null, .bool(true), .int(0), .int(-1), .int(Int64.max), .int(Int64.min), .int(70000), .float(1.5), .float(.infinity),
        .string(""), .string("../../etc"), .string("Ünïcödé"), .string(String(repeating: "a", count: 300)), .string("1e400"),
        .array([]), .array([.null]), .object([]), .object([.init(key: "x", value: .int(1))]),
    ]

    func mutate(_ value: Value, _ rng: inout SplitMix, depth: Int = 0) -> Value {
        let roll = Int.random(in: 0..<10, using: &rng)
        switch value {
        case var .object(members) where !members.isEmpty && roll < 8:
            let index = Int.random(in: 0..<members.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: members.remove(at: index)
            case 1: members.append(members[index])
            case 2: members[index].key += "x"
            default: members[index].value = mutate(members[index].value, &rng, depth: depth + 1)
            }
            return .object(members)
        case var .array(elements) where !elements.isEmpty && roll < 8:
            let index = Int.random(in: 0..<elements.count, using: &rng)
            if Bool.random(using: &rng) { elements[index] = mutate(elements[index], &rng, depth: depth + 1) }
            else { elements.append(elements[index]) }
            return .array(elements)
        default:
            return Self.samples.randomElement(using: &rng)!
        }
    }

    static func json(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case let .bool(flag): return flag ? "true" : "false"
        case let .int(number): return String(number)
        case let .float(number): return number.isFinite ? String(number) : "1e400"
        case let .string(text):
            let data = try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
            return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
        case let .array(items): return "[" + items.map(json).joined(separator: ",") + "]"
        case let .object(members): return "{" + members.map { json(.string($0.key)) + ":" + json($0.value) }.joined(separator: ",") + "}"
        }
    }

    @Test func treeMutationsGiveErrorsOrObjects() throws {
        let documents = try Value.documents(yaml: Fixtures.text("kitchen-sink.yaml")) + Value.documents(yaml: Fixtures.text("valid/probes.yaml"))
        var rng = SplitMix(state: 20261129)
        for round in 0..<3000 {
            var document = documents[round % documents.count]
            for _ in 0..<Int.random(in: 1...4, using: &rng) { document = mutate(document, &rng) }
            let set = Manifest.parse(Self.json(document), source: "fuzz.json")
            #expect(set.isValid == set.errorLines.isEmpty)
            #expect(set.isValid || !set.errorLines.isEmpty)
        }
    }

    @Test func textMutationsGiveErrorsOrObjects() throws {
        let text = Array(try Fixtures.text("kitchen-sink.yaml").utf8)
        let alphabet = Array(":-[]{}'\"#&*!|>%@` \n\t0a".utf8)
        var rng = SplitMix(state: 42)
        for _ in 0..<1500 {
            var bytes = text
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[index] = alphabet.randomElement(using: &rng)!
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet.randomElement(using: &rng)!, at: index)
                }
            }
            let set = Manifest.parse(String(decoding: bytes, as: UTF8.self), source: "fuzz.yaml")
            #expect(set.isValid == set.errorLines.isEmpty)
        }
    }
}
