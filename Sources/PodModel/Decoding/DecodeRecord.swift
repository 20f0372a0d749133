/// What one decode saw: errors with their paths, warnings, and for every object the
/// keys that were read, so keys nobody read can be reported as unknown fields.
final class DecodeRecord {
    var errors: [FieldError] = []
    var warnings: [String] = []
    private(set) var objects: [ObjectSeen] = []
    private var indexByPath: [FieldPath: Int] = [:]

    struct ObjectSeen {
        let path: FieldPath
        let typeName: String
        let keys: [String]
        var used: Set<String>
    }

    func register(_ path: FieldPath, typeName: String, members: [Value.Member]) {
        var seen = Set<String>()
        for member in members where !seen.insert(member.key).inserted {
            warnings.append("duplicate field \"\(path.child(member.key))\"")
        }
        if indexByPath[path] == nil {
            // Keys are manifest strings too: a map key (a label, a ConfigMap key) with a
            // NUL is refused like a value with one.
            for member in members where member.key.utf8.contains(0) { errors.append(.nulByte(path.key(member.key), member.key)) }
            indexByPath[path] = objects.count
            objects.append(ObjectSeen(path: path, typeName: typeName, keys: members.map(\.key), used: []))
        }
    }

    func markUsed(_ path: FieldPath, _ key: String) {
        if let index = indexByPath[path] { objects[index].used.insert(key) }
    }

    /// Keys present in the input that no model type read, with the type that holds them.
    var unreadKeys: [(path: FieldPath, typeName: String, key: String)] {
        objects.flatMap { object in
            object.keys.filter { !object.used.contains($0) }.uniqued().map { (object.path, object.typeName, $0) }
        }
    }
}

/// A field problem found while decoding; the catch site records it with its path.
struct FieldFailure: Error {
    let error: FieldError
}

/// A failure already in the record: nothing more to say about it.
struct RecordedFailure: Error {}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
