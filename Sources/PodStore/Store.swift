import Foundation
import Glibc
import PodCore
import PodOS

/// The state store: the directory layout of docs/state.md, atomic record writes,
/// and a lock per pod.
///
///     <root>/pods/<namespace>/<name>/        applied manifest, volumes, logs
///     <root>/images/                          the image store
///     <run-root>/pods/<namespace>/<name>/    supervisor socket, pid, namespace binds
///     <run-root>/locks/<namespace>_<name>.lock
public final class Store: Sendable {
    public let roots: StoreRoots

    public init(roots: StoreRoots) {
        self.roots = roots
    }

    public var imagesDirectory: String { roots.root + "/images" }

    public func podDirectory(_ key: PodKey) -> String { "\(roots.root)/pods/\(key.namespace)/\(key.name)" }
    public func podRunDirectory(_ key: PodKey) -> String { "\(roots.runRoot)/pods/\(key.namespace)/\(key.name)" }
    /// The applied (defaulted) manifest of a pod, as JSON: what `apply` compares against
    /// and what the image store reads to know which images are in use.
    public func manifestPath(_ key: PodKey) -> String { podDirectory(key) + "/manifest.json" }
    func lockPath(_ key: PodKey) -> String { "\(roots.runRoot)/locks/\(key.fileName).lock" }

    /// Fails when this user may not read the roots: they are another user's and 0700, and a pod
    /// that cannot be seen must not be reported as a pod that does not exist. A root
    /// that does not exist yet holds no pods, which is no error.
    public func checkAccess() throws(PodError) {
        for path in [roots.root, roots.runRoot] {
            var info = stat()
            let denied = stat(path, &info) == 0 ? access(path, R_OK | X_OK) != 0 && errno == EACCES : errno == EACCES
            if denied {
                throw PodError(.system, """
                    permission denied: cannot read podctl's state in \(path): it belongs to \(Self.owner(of: path)); \
                    run podctl as that user, or without --root/--run-root (PODCTL_ROOT, PODCTL_RUN_ROOT) to use your own state\
                    \(geteuid() == 0 ? "" : " (~/.local/share/podctl and $XDG_RUNTIME_DIR/podctl)")
                    """,
                               cause: .system(call: "access", errno: EACCES, path: path))
            }
        }
    }

    /// Creates the roots (0700: state may hold secrets) and their fixed subdirectories.
    public func prepare() throws(PodError) {
        // The roots are checked before anything is made in them: in another user's root
        // the error names its owner, not a failed mkdir.
        for root in [roots.root, roots.runRoot] {
            try Files.makeDirectories(root, mode: 0o700)
            try Self.keepPrivate(root)
        }
        for directory in [roots.root + "/pods", imagesDirectory, roots.runRoot + "/pods", roots.runRoot + "/locks"] {
            try Files.makeDirectories(directory, mode: 0o700)
        }
    }

    /// A root must be this user's and 0700: a root another user owns is state that user
    /// can change under us (a lock file swapped, a record replaced), and a root others
    /// may read shows them the pods (#18: one user's pods are invisible to another).
    /// A root made by hand with a wider mode is narrowed, as `mkdir -m 0700` would have.
    static func keepPrivate(_ root: String) throws(PodError) {
        var info = stat()
        try syscall("stat", path: root) { stat(root, &info) }
        guard info.st_uid == geteuid() else {
            throw PodError(.system, """
                podctl's state root \(root) belongs to \(owner(of: root)), not to this user (\(geteuid())); \
                use a root of your own (--root/--run-root, PODCTL_ROOT, PODCTL_RUN_ROOT)
                """)
        }
        if info.st_mode & 0o077 != 0 { try syscall("chmod", path: root) { chmod(root, 0o700) } }
    }

    /// "user NAME (UID)" of a file's owner, for messages; the UID alone when it has no name.
    static func owner(of path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "another user" }
        guard let entry = getpwuid(info.st_uid), let name = entry.pointee.pw_name else { return "user \(info.st_uid)" }
        return "user \(String(cString: name)) (\(info.st_uid))"
    }

    /// Takes the pod's lock. With `.upTo(seconds:)` it waits for another podctl to finish;
    /// if that takes too long the error names the holder.
    public func lock(_ key: PodKey, wait: FileLock.Wait = .upTo(seconds: Store.lockWait())) throws(PodError) -> PodLock {
        try prepare()
        let path = lockPath(key)
        guard let lock = try FileLock.acquire(path, wait: wait) else {
            let holder = FileLock.holder(of: path).map { " (pid \($0)\(Self.command(of: $0)))" } ?? ""
            throw PodError(.conflict, "pod \(key) is being changed by another podctl\(holder); try again when it has finished")
        }
        return PodLock(key: key, lock: lock) { [self] in
            !Files.exists(podDirectory(key)) && !Files.exists(podRunDirectory(key))
        }
    }

    /// How long a command waits for another's pod lock: 30 s, or `PODCTL_LOCK_WAIT`
    /// seconds (tests make a held lock fail fast).
    public static func lockWait(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Double {
        environment["PODCTL_LOCK_WAIT"].flatMap(Double.init).map { max(0, $0) } ?? 30
    }

    /// Every pod that has state, sorted by namespace and name. Entries that are not
    /// valid names (left by hand, say) are skipped: they can never be a pod.
    public func podKeys() throws(PodError) -> [PodKey] {
        var keys: [PodKey] = []
        for namespace in try Files.list(roots.root + "/pods") {
            for name in try Files.list("\(roots.root)/pods/\(namespace)") {
                if let key = try? PodKey(namespace: namespace, name: name) { keys.append(key) }
            }
        }
        return keys.sorted()
    }

    /// Writes a record as JSON, atomically: readers see the old record or the new one.
    public func write<T: Encodable>(_ record: T, to path: String) throws(PodError) {
        let bytes = try encode(record, for: path)
        try Files.makeDirectories(Files.dirname(of: path), mode: 0o700)
        try AtomicFile.write(bytes, to: path, mode: 0o600)
    }

    /// Records that change together (a pod's manifest and run plan), each replaced
    /// atomically, with one directory fsync for the group (AtomicFile's grouped write).
    public func write(_ records: [(record: any Encodable, path: String)]) throws(PodError) {
        var files: [AtomicFile.Replacement] = []
        for (record, path) in records {
            files.append(AtomicFile.Replacement(path: path, bytes: try encode(record, for: path)))
            try Files.makeDirectories(Files.dirname(of: path), mode: 0o700)
        }
        try AtomicFile.write(files)
    }

    private func encode(_ record: any Encodable, for path: String) throws(PodError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        do { return Array(try encoder.encode(record)) } catch {
            throw PodError(.internal, "cannot encode the record for \(path)", cause: .text("\(error)"))
        }
    }

    /// Reads a record; nil when there is none. A record that does not decode is an
    /// error naming the file: podctl never guesses what a damaged record meant.
    public func read<T: Decodable>(_ type: T.Type, from path: String) throws(PodError) -> T? {
        guard Files.exists(path) else { return nil }
        let bytes = try Files.read(path)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: Data(bytes))
        } catch {
            throw PodError(.corruptState, "the state file \(path) is damaged and cannot be read; \(remedy(for: path))",
                           cause: .text(Self.describe(error)))
        }
    }

    /// What to do about a damaged state file: for a pod's, the delete that removes it
    /// (delete needs neither file to decode); podctl never guesses what a record meant.
    func remedy(for path: String) -> String {
        for base in [roots.root + "/pods/", roots.runRoot + "/pods/"] where path.hasPrefix(base) {
            let parts = path.dropFirst(base.count).split(separator: "/")
            if parts.count >= 2 {
                return "podctl delete pod \(parts[1]) -n \(parts[0]) removes the pod and its state; apply it again after"
            }
        }
        return "move it aside and run the command again"
    }

    /// Removes all state of a pod. Every directory is tried; the errors are collected.
    public func removeState(_ key: PodKey) throws(PodError) {
        var failures: [PodError] = []
        for directory in [podDirectory(key), podRunDirectory(key)] {
            do { try Files.removeTree(directory) } catch { failures.append(error) }
        }
        for parent in ["\(roots.root)/pods/\(key.namespace)", "\(roots.runRoot)/pods/\(key.namespace)"] {
            _ = rmdir(parent)  // only succeeds when empty: the namespace held no other pod
        }
        if let first = failures.first {
            throw PodError(first.code, "cannot remove all state of pod \(key) (\(failures.count) failure(s))", cause: .error(first))
        }
    }

    /// `: podctl apply -f web.yaml` for a message naming a holder, from its command line.
    static func command(of pid: Int32) -> String {
        guard let text = try? Files.readText("/proc/\(pid)/cmdline") else { return "" }
        let words = text.split(separator: "\0").prefix(6).map(String.init)
        guard let first = words.first else { return "" }
        return ": " + ([Files.basename(of: first)] + words.dropFirst()).joined(separator: " ")
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case let DecodingError.dataCorrupted(context): return context.debugDescription
        case let DecodingError.keyNotFound(key, _): return "the field \"\(key.stringValue)\" is missing"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}

/// The lock of one pod, held until `release` (or the process ends).
public final class PodLock: Sendable {
    public let key: PodKey
    private let lock: FileLock
    private let podIsGone: @Sendable () -> Bool

    init(key: PodKey, lock: FileLock, podIsGone: @escaping @Sendable () -> Bool) {
        self.key = key
        self.lock = lock
        self.podIsGone = podIsGone
    }

    /// Releases the lock. When the pod has no state (a refused apply, a delete, a delete
    /// of a pod that never was) the lock file goes too, unlinked while still held: lock
    /// files exist only for pods that exist (docs/state.md).
    public func release() {
        if podIsGone() { lock.unlockAndRemove() } else { lock.unlock() }
    }

    /// Removes the lock file whatever the pod's state.
    public func releaseAndRemove() { lock.unlockAndRemove() }
}
