import Foundation
import PodCore
import PodLaunch
import PodOS
import PodStore

/// The host IDs of pods with `hostUsers: false`: each pod gets its own block of 65536
/// UIDs and GIDs (container IDs 0–65535, as the kubelet maps them), never shared with
/// another pod. The blocks come from the `podctl` entries of /etc/subuid and /etc/subgid
/// (subuid(5): `podctl:START:COUNT`), or, without them, from 2^31 on — far above the IDs
/// of real users and of the usual subordinate ranges (docs/security.md). Blocks are
/// recorded in `<root>/userns/blocks.json` under a lock, like the address leases.
public struct UserNamespaceRanges: Sendable {
    public static let blockSize: UInt32 = 65536
    static let defaultStart: UInt32 = 1 << 31
    static let defaultBlocks = Int((UInt32.max - defaultStart) / blockSize)

    public struct Pool: Equatable, Sendable {
        public var uidStart: UInt32
        public var gidStart: UInt32
        public var blocks: Int

        public init(uidStart: UInt32, gidStart: UInt32, blocks: Int) {
            self.uidStart = uidStart
            self.gidStart = gidStart
            self.blocks = blocks
        }
    }

    let directory: String
    let pool: Pool
    var file: String { directory + "/blocks.json" }
    var lockFile: String { directory + "/blocks.lock" }

    public init(root: String, pool: Pool) {
        directory = root + "/userns"
        self.pool = pool
    }

    /// The pool from /etc/subuid and /etc/subgid (the first `podctl` entry of each).
    public static func configuredPool(subuid: String = "/etc/subuid", subgid: String = "/etc/subgid") throws(PodError) -> Pool {
        let uids = try entry(in: subuid)
        let gids = try entry(in: subgid)
        if uids == nil && gids == nil {
            return Pool(uidStart: defaultStart, gidStart: defaultStart, blocks: defaultBlocks)
        }
        guard let uids, let gids else {
            throw PodError(.invalidArgument, "podctl has an entry in \(uids == nil ? subgid : subuid) but not in \(uids == nil ? subuid : subgid): give both (podctl:START:COUNT, COUNT a multiple of 65536)")
        }
        let blocks = Int(min(uids.count, gids.count) / blockSize)
        guard blocks > 0 else {
            throw PodError(.invalidArgument, "the podctl entries of \(subuid) and \(subgid) give fewer than 65536 IDs: a pod with hostUsers: false needs 65536")
        }
        return Pool(uidStart: uids.start, gidStart: gids.start, blocks: blocks)
    }

    private static func entry(in path: String) throws(PodError) -> (start: UInt32, count: UInt32)? {
        try SubordinateIDs.ranges(of: ["podctl"], in: path).first.map { ($0.start, $0.count) }
    }

    /// The pod's map: the block it holds, else the lowest free one.
    public func allocate(for pod: PodKey) throws(PodError) -> IDMap {
        let block = try update { blocks throws(PodError) -> Int in
            if let held = blocks[pod] { return held.block }
            let used = Set(blocks.values.map(\.block))
            guard let free = (0..<pool.blocks).first(where: { !used.contains($0) }) else {
                throw PodError(.system, "no free user namespace range left (\(pool.blocks) blocks of 65536 IDs, all held: \(file)); delete pods with hostUsers: false or give podctl a larger range in /etc/subuid and /etc/subgid")
            }
            blocks[pod] = Held(block: free, taken: Date().timeIntervalSince1970)
            return free
        }
        return map(of: block)
    }

    func map(of block: Int) -> IDMap {
        IDMap(hostUID: pool.uidStart + UInt32(block) * Self.blockSize, hostGID: pool.gidStart + UInt32(block) * Self.blockSize, size: Self.blockSize)
    }

    public func release(_ pod: PodKey) throws(PodError) {
        guard Files.exists(file) else { return }
        _ = try update { blocks throws(PodError) in blocks.removeValue(forKey: pod) }
    }

    /// Frees the blocks of pods not in `live` held longer than `minimumAge` seconds.
    @discardableResult
    public func reclaim(keeping live: Set<PodKey>, minimumAge: Double) throws(PodError) -> [PodKey] {
        guard Files.exists(file) else { return [] }
        return try update { blocks throws(PodError) in
            let now = Date().timeIntervalSince1970
            let stale = blocks.filter { !live.contains($0.key) && now - $0.value.taken >= minimumAge }.keys
            for key in stale { blocks.removeValue(forKey: key) }
            return stale.sorted()
        }
    }

    struct Held: Codable, Equatable {
        var block: Int
        var taken: Double
    }

    private struct Record: Codable {
        var namespace: String
        var name: String
        var block: Int
        var taken: Double
    }

    func held() throws(PodError) -> [PodKey: Held] {
        guard Files.exists(file) else { return [:] }
        let records: [Record]
        do { records = try JSONDecoder().decode([Record].self, from: Data(try Files.read(file))) } catch let error as PodError { throw error } catch {
            throw PodError(.corruptState, "the user namespace blocks file \(file) cannot be read", cause: .text("\(error)"))
        }
        var result: [PodKey: Held] = [:]
        for record in records { result[try PodKey(namespace: record.namespace, name: record.name)] = Held(block: record.block, taken: record.taken) }
        return result
    }

    private func update<T>(_ body: (inout [PodKey: Held]) throws(PodError) -> T) throws(PodError) -> T {
        try Files.makeDirectories(directory, mode: 0o700)
        guard let lock = try FileLock.acquire(lockFile, wait: .upTo(seconds: 30)) else {
            throw PodError(.conflict, "the user namespace ranges are locked (\(lockFile)); try again")
        }
        defer { lock.unlock() }
        var blocks = try held()
        let before = blocks
        let result = try body(&blocks)
        if blocks != before {
            let records = blocks.sorted { $0.value.block < $1.value.block }.map { Record(namespace: $0.key.namespace, name: $0.key.name, block: $0.value.block, taken: $0.value.taken) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            do { try AtomicFile.write(Array(try encoder.encode(records)) + [0x0a], to: file) } catch let error as PodError { throw error } catch {
                throw PodError(.internal, "cannot encode the user namespace blocks", cause: .text("\(error)"))
            }
        }
        return result
    }
}
