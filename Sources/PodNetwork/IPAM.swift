import Glibc
import PodCore
import PodJSON
import PodOS

/// The address allocator of the pod subnet: one JSON file of leases
/// (`<root>/network/leases.json`, written atomically) and a `flock` beside it
/// (`leases.lock`), so podctl processes and threads never hand out an address twice.
///
/// The network address, the gateway (`.1`) and the broadcast address are never given.
/// Allocation goes round-robin from the last address given, so an address just freed is
/// not reused at once (a stale connection or ARP entry of a deleted pod then reaches
/// nobody rather than the next pod).
public struct IPAM: Sendable {
    public let directory: String
    public let subnet: IPv4Subnet
    /// How long to wait for another process's allocation before failing.
    public var lockWait: Double = 30

    public init(directory: String, subnet: IPv4Subnet) {
        self.directory = directory
        self.subnet = subnet
    }

    public var leaseFile: String { directory + "/leases.json" }
    var lockFile: String { directory + "/leases.lock" }

    /// The addresses pods get: from the third of the subnet to the one before broadcast.
    public var poolSize: Int { Int(subnet.size) - 3 }
    private var firstHost: UInt32 { subnet.network.value + 2 }
    private var lastHost: UInt32 { subnet.last.value - 1 }

    /// The pod's address: the one it holds already, else a free one, recorded before it is returned.
    /// `preferring`: the address to give if it is free and in the pool (restore gives a
    /// pod back the address it had before a reboot when its lease was lost).
    public func allocate(for pod: PodKey, preferring preferred: IPv4Address? = nil) throws(PodError) -> IPv4Address {
        try update { state throws(PodError) in
            if let held = state.leases[pod] { return held }
            let used = Set(state.leases.values.map(\.value))
            if let preferred, preferred.value >= firstHost, preferred.value <= lastHost, !used.contains(preferred.value) {
                state.leases[pod] = preferred
                state.taken[pod] = Self.now()
                return preferred
            }
            let start = state.last.map { $0.value >= firstHost && $0.value < lastHost ? $0.value + 1 : firstHost } ?? firstHost
            var candidate = start
            repeat {
                if !used.contains(candidate) {
                    let address = IPv4Address(candidate)
                    state.leases[pod] = address
                    state.taken[pod] = Self.now()
                    state.last = address
                    return address
                }
                candidate = candidate == lastHost ? firstHost : candidate + 1
            } while candidate != start
            throw PodError(.system, "no free address left in the pod subnet \(subnet) (\(state.leases.count) leases in \(leaseFile)); delete pods or choose a larger PODCTL_SUBNET")
        }
    }

    /// Frees the pod's address; returns it, or nil if the pod held none.
    @discardableResult
    public func release(_ pod: PodKey) throws(PodError) -> IPv4Address? {
        try update { state throws(PodError) in
            state.taken.removeValue(forKey: pod)
            return state.leases.removeValue(forKey: pod)
        }
    }

    /// Frees the leases of every pod not in `live` (pods deleted while podctl could not
    /// clean up); returns what it freed. A lease younger than `minimumAge` seconds stays:
    /// another podctl may have just taken it for a pod it has not yet written down (an
    /// apply takes every lease of its file before it creates the first pod).
    @discardableResult
    public func reclaim(keeping live: Set<PodKey>, minimumAge: Double = 0) throws(PodError) -> [PodKey: IPv4Address] {
        try update { state throws(PodError) in
            let now = Self.now()
            let stale = state.leases.filter { lease in
                !live.contains(lease.key) && now - (state.taken[lease.key] ?? 0) >= minimumAge
            }
            for key in stale.keys {
                state.leases.removeValue(forKey: key)
                state.taken.removeValue(forKey: key)
            }
            return stale
        }
    }

    /// When each lease was taken, in seconds since the epoch (0 when the file predates it).
    public func leaseTimes() throws(PodError) -> [PodKey: Double] {
        try load().taken
    }

    static func now() -> Double {
        var clock = timespec()
        clock_gettime(CLOCK_REALTIME, &clock)
        return Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9
    }

    /// Every lease, read without the lock (the file is replaced atomically).
    public func leases() throws(PodError) -> [PodKey: IPv4Address] {
        try load().leases
    }

    public func address(of pod: PodKey) throws(PodError) -> IPv4Address? {
        try leases()[pod]
    }

    // MARK: - The file

    struct State: Equatable {
        var subnet: IPv4Subnet
        var last: IPv4Address?
        var leases: [PodKey: IPv4Address]
        var taken: [PodKey: Double] = [:]
    }

    /// The file's form: leases as a list sorted by address, so it reads well and diffs well.
    private struct Record: Codable {
        var subnet: IPv4Subnet
        var last: IPv4Address?
        var leases: [Lease]
        struct Lease: Codable {
            var namespace: String
            var name: String
            var address: IPv4Address
            /// Seconds since the epoch; optional so files written before it still load.
            var taken: Double?
        }
    }

    private func update<T>(_ body: (inout State) throws(PodError) -> T) throws(PodError) -> T {
        try Files.makeDirectories(directory, mode: 0o700)
        guard let lock = try FileLock.acquire(lockFile, wait: .upTo(seconds: lockWait)) else {
            let holder = FileLock.holder(of: lockFile).map { " by process \($0)" } ?? ""
            throw PodError(.conflict, "the pod address allocator is locked\(holder) (\(lockFile)); try again")
        }
        defer { lock.unlock() }
        var state = try load()
        let before = state
        let result = try body(&state)
        if state != before { try save(state) }
        return result
    }

    private func load() throws(PodError) -> State {
        guard Files.exists(leaseFile) else { return State(subnet: subnet, last: nil, leases: [:]) }
        let bytes = try Files.read(leaseFile)
        let record: Record
        do {
            // The standard library's codec (PodJSON): pod-network links no Foundation (D87).
            record = try PodJSON.decode(Record.self, from: bytes, source: leaseFile)
        } catch {
            throw PodError(.corruptState, "the lease file \(leaseFile) cannot be read", cause: .error(error))
        }
        var leases: [PodKey: IPv4Address] = [:]
        var taken: [PodKey: Double] = [:]
        var seen: Set<IPv4Address> = []
        for lease in record.leases {
            let key = try PodKey(namespace: lease.namespace, name: lease.name)
            guard leases[key] == nil, seen.insert(lease.address).inserted else {
                throw PodError(.corruptState, "the lease file \(leaseFile) gives \(lease.address) or pod \(key) twice")
            }
            leases[key] = lease.address
            taken[key] = lease.taken
        }
        if record.subnet != subnet {
            if leases.isEmpty { return State(subnet: subnet, last: nil, leases: [:]) }
            let pods = leases.keys.sorted().prefix(5).map(\.description).joined(separator: ", ")
            throw PodError(.invalidArgument, "the pod subnet is \(subnet), but pods (\(pods)) hold addresses of \(record.subnet) in \(leaseFile): delete those pods or set PODCTL_SUBNET=\(record.subnet)")
        }
        for (key, address) in leases where !subnet.contains(address) {
            throw PodError(.corruptState, "the lease file \(leaseFile) gives pod \(key) \(address), outside \(subnet)")
        }
        return State(subnet: record.subnet, last: record.last, leases: leases, taken: taken)
    }

    private func save(_ state: State) throws(PodError) {
        let leases = state.leases.sorted { $0.value < $1.value }.map {
            Record.Lease(namespace: $0.key.namespace, name: $0.key.name, address: $0.value, taken: state.taken[$0.key])
        }
        let bytes = try PodJSON.encodePretty(Record(subnet: state.subnet, last: state.last, leases: leases))
        try AtomicFile.write(bytes + [0x0a], to: leaseFile)
    }
}
