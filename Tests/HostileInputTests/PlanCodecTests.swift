import Foundation
import PodCore
import PodLaunch
import Testing

/// Finding 1 of #14: the plan handed to pod-helper was `key=value\0` items, so a NUL in
/// an env value forged a mount or the uid. The framed codec must carry any string as
/// exactly one value, and refuse (never trap on) anything it did not write.
@Suite struct PlanCodecTests {
    /// Thousands of random plans of hostile strings round-trip exactly, byte for byte;
    /// every cut of one is refused, and flipped bytes are refused or decode — never trap.
    @Test func randomPlansRoundTripAndDamagedOnesAreRefused() throws {
        var random = SeededRandom(seed: 0x1414_c0de)
        let started = Date()
        for _ in 0..<3000 {
            let plan = random.plan()
            let bytes = plan.encoded()
            let decoded = try LaunchPlan.decode(bytes)
            #expect(decoded == plan)
            // String equality is canonical equivalence; the bytes show exactness.
            #expect(decoded.encoded() == bytes)
            let cut = Int.random(in: 0..<bytes.count, using: &random)
            #expect(throws: PodError.self) { try LaunchPlan.decode(Array(bytes[0..<cut])) }
            #expect(throws: PodError.self) { try LaunchPlan.decode(bytes + [UInt8.random(in: 0...255, using: &random)]) }
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                damaged[Int.random(in: 0..<damaged.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            _ = try? LaunchPlan.decode(damaged)
        }
        #expect(Date().timeIntervalSince(started) < 60, "the property test must stay within CI's budget")
    }

    @Test func aForgedItemInAnEnvValueStaysOneEnvValue() throws {
        var plan = ContainerLaunch()
        plan.process.uid = 1000
        plan.process.env = ["A=x\0mount=bind|rw|/some/host/dir|/tmp|", "B=x\0uid=0", "C=\0\0=\n|"]
        plan.process.argv = ["sh", "-c", "x\0uid=0", "\0arg=evil"]
        plan.process.cwd = "/\0cwd=/etc"
        let decoded = try LaunchPlan.decode(LaunchPlan.container(plan).encoded())
        guard case let .container(container) = decoded else {
            Issue.record("a container plan decoded as \(decoded.mode)")
            return
        }
        #expect(container.process.env == plan.process.env)
        #expect(container.process.argv == plan.process.argv)
        #expect(container.mounts.isEmpty)
        #expect(container.process.uid == 1000)
        #expect(decoded.fieldWithNUL == "cwd")
        plan.process.cwd = "/"
        #expect(try LaunchPlan.decode(LaunchPlan.container(plan).encoded()).fieldWithNUL == "argv[2]")
    }

    @Test func theOldKeyValueFormatAndGarbageAreRefused() {
        for bytes in [Array("mode=container\0uid=0\0".utf8), [], Array("PLN1".utf8), Array(repeating: 0xff, count: 64)] {
            #expect(throws: PodError.self) { try LaunchPlan.decode(bytes) }
        }
        let report = HelperReport.started(pid: 7).encoded
        #expect(throws: PodError.self, "a report is not a plan") { try LaunchPlan.decode(report) }
    }

    @Test func malformedFramesAreNamed() throws {
        func message(_ body: (inout WireWriter) -> Void) -> [UInt8] { WireWriter.message(.plan, body) }
        func problem(_ bytes: [UInt8]) -> String {
            do { _ = try LaunchPlan.decode(bytes); return "" } catch { return error.message }
        }
        #expect(problem(message { $0.string(1, "container"); $0.uint32(15, 0); $0.uint32(15, 0) }).contains("uid appears twice"))
        #expect(problem(message { $0.string(1, "container"); $0.uint32(999, 0) }).contains("an unknown field 999"))
        #expect(problem(message { $0.string(1, "container"); $0.bytes(15, [0, 0]) }).contains("uid has 2 bytes"))
        #expect(problem(message { $0.string(1, "sandbox"); $0.bytes(2, [0xc3]) }).contains("hostname is not UTF-8"))
        // A plan says only what its mode uses (#15): another mode's field is refused.
        #expect(problem(message { $0.string(1, "network"); $0.uint32(15, 0) }).contains("a network plan takes no uid"))
        #expect(problem(message { $0.string(1, "container"); $0.string(2, "web") }).contains("a container plan takes no hostname"))
        #expect(problem(message { $0.string(1, "seccomp") }).contains("a seccomp plan without a filter"))
        // The rootless mappers (28) are the sandbox's only; joining the pod's user namespace
        // first (29) is a container's or an exec's only (D64).
        #expect(problem(message { $0.string(1, "container"); $0.record(28) { $0.strings(1, ["/usr/bin/newuidmap"]) } }).contains("a container plan takes no rootless"))
        #expect(problem(message { $0.string(1, "sandbox"); $0.bool(29, true) }).contains("a sandbox plan takes no joinsPodUserNamespace"))
        #expect(problem(message { $0.string(1, "sandbox"); $0.record(28) { $0.strings(1, ["/usr/bin/newuidmap"]) } }).contains("needs newuidmap and newgidmap"))
        #expect(problem(message { $0.string(1, "container"); $0.bool(4, true); $0.bytes(19, [2]) }).contains("tty is not a boolean"))
        // hostPID (30) and hostIPC (31): the host's IPC is the sandbox's to keep, and a
        // container cannot be in both the pod's PID namespace and the host's.
        #expect(problem(message { $0.string(1, "container"); $0.bool(31, true) }).contains("a container plan takes no hostIPC"))
        #expect(problem(message { $0.string(1, "container"); $0.bool(4, true); $0.bool(30, true) }).contains("both shares the pod's PID namespace and the host's"))
        // The rootless overlay (32, D71) is a container's only, and names fuse-overlayfs by
        // an absolute path: a relative one would be looked up in whatever directory the helper is in.
        #expect(problem(message { $0.string(1, "exec"); $0.record(32) { $0.bool(1, true) } }).contains("plan takes no rootlessOverlay"))
        #expect(problem(message { $0.string(1, "container"); $0.record(32) { $0.string(2, "fuse-overlayfs") } }).contains("must be an absolute path"))
        #expect(problem(message { $0.string(1, "warp") }).contains("an unknown mode warp"))
        #expect(problem(message { $0.uint32(15, 0) }).contains("names no mode"))
        // A list that claims more elements than it holds, and one past the cap.
        #expect(problem(message { $0.string(1, "exec"); $0.bytes(12, WireWriterBytes.u32(3) + WireWriterBytes.u32(1) + [0x61]) }).contains("truncated"))
        #expect(problem(message { $0.string(1, "exec"); $0.bytes(12, WireWriterBytes.u32(UInt32.max)) }).contains("more than 65536"))
        // A length far past the end is refused before anything is allocated for it.
        #expect(problem(Array("PLN1".utf8) + WireWriterBytes.u32(UInt32.max)).contains("truncated"))
        #expect(problem(Array(repeating: 0, count: WireReader.maxMessage + 1)).contains("more than"))
    }

    @Test func reportsRoundTripAndGarbageIsAFailure() {
        var random = SeededRandom(seed: 42)
        for _ in 0..<500 {
            let failure = HelperFailure(kind: [.notFound, .notExecutable, .setup, .plan][Int.random(in: 0...3, using: &random)],
                                        call: random.string(), errno: Int32.random(in: .min ... .max, using: &random),
                                        path: random.string(), message: random.string() + "\npid 1\n\t")
            let reports: [HelperReport] = [.rootFilesystem(driver: random.string(), reason: random.string()),
                                           .started(pid: Int32.random(in: 1 ... .max, using: &random)), .failed(failure)]
            #expect(HelperReport.parseAll(reports.flatMap(\.encoded)) == reports)
        }
        #expect(HelperReport.parseAll([]) == [])
        for garbage in [Array("pid 4242\n".utf8), Array(HelperReport.started(pid: 1).encoded.dropLast())] {
            let reports = HelperReport.parseAll(garbage)
            guard case let .failed(failure)? = reports.first, reports.count == 1 else {
                Issue.record("garbage was read as \(reports)")
                continue
            }
            #expect(failure.kind == .plan)
        }
        let started = HelperReport.started(pid: 42)
        let kept = HelperReport.parseAll(started.encoded + Array("error setup".utf8))
        #expect(kept.first == started && kept.count == 2, "a started PID survives garbage after it: \(kept)")
    }
}

enum WireWriterBytes {
    static func u32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
}

/// SplitMix64: the same cases on every run, so a failure reproduces.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// What the old codec split on, what a terminal or a shell reads, and non-ASCII.
    static let alphabet: [Unicode.Scalar] = ["\0", "=", "|", "\n", "\r", "\t", ":", ",", ";", " ", "a", "Z", "0", "/", ".", "$", "(", ")",
                                             "\u{1}", "\u{1b}", "\u{7f}", "é", "\u{301}", "ß", "\u{FEFF}", "\u{FFFF}", "😀", "\u{10FFFF}"]

    mutating func string() -> String {
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...12, using: &self) { text.append(Self.alphabet.randomElement(using: &self)!) }
        return String(text)
    }

    mutating func strings() -> [String] { (0..<Int.random(in: 0...4, using: &self)).map { _ in string() } }
    mutating func bool() -> Bool { Bool.random(using: &self) }

    mutating func plan() -> LaunchPlan {
        switch Int.random(in: 0...4, using: &self) {
        case 0:
            var plan = SandboxLaunch()
            plan.hostname = string()
            plan.pausePath = string()
            plan.mounts = mounts()
            plan.sysctls = strings().map { $0 + "=" + string() }
            plan.hostNetwork = bool()
            plan.hostPID = bool()
            plan.hostIPC = bool()
            plan.idMap = idMap()
            plan.rootless = bool() ? RootlessMapping(uidMapper: [string()] + strings(), gidMapper: [string()] + strings()) : nil
            plan.placement = placement()
            return .sandbox(plan)
        case 1:
            var plan = ContainerLaunch()
            plan.podPID = Int32.random(in: .min ... .max, using: &self)
            plan.sharePID = bool()
            plan.hostPID = !plan.sharePID && bool()
            plan.lowerDirs = strings()
            plan.upperDir = string()
            plan.workDir = string()
            plan.rootfs = string()
            plan.readOnlyRoot = bool()
            plan.mounts = mounts()
            plan.initPath = string()
            plan.process = process()
            plan.idMap = idMap()
            plan.joinsPodUserNamespace = bool()
            plan.rootlessOverlay = bool() ? RootlessOverlay(forceFuse: bool(), fuseProgram: bool() ? "/" + string() : "") : nil
            plan.placement = placement()
            return .container(plan)
        case 2:
            var plan = ExecLaunch()
            plan.targetPID = Int32.random(in: .min ... .max, using: &self)
            plan.targetPinned = bool()
            plan.process = process()
            plan.idMap = idMap()
            plan.joinsPodUserNamespace = bool()
            plan.placement = placement()
            return .exec(plan)
        case 3:
            var filter: SeccompFilter?
            while filter == nil { filter = confinement().seccomp }
            return .seccomp(filter!)
        default:
            return .network(NetworkLaunch(podPID: Int32.random(in: .min ... .max, using: &self), interface: string()))
        }
    }

    mutating func mounts() -> [MountSpec] {
        (0..<Int.random(in: 0...3, using: &self)).map { _ in
            MountSpec(kind: bool() ? .bind : .tmpfs, source: string(), target: string(), readOnly: bool(), options: string(), subPath: bool() ? string() : "",
                      recursiveReadOnly: bool(), fromHost: bool(), propagation: [.private, .hostToContainer, .bidirectional][Int.random(in: 0...2, using: &self)])
        }
    }

    mutating func process() -> ProcessSpec {
        ProcessSpec(argv: strings(), env: strings(), cwd: string(), uid: UInt32.random(in: 0 ... .max, using: &self), gid: UInt32.random(in: 0 ... .max, using: &self),
                    groups: (0..<Int.random(in: 0...3, using: &self)).map { _ in UInt32.random(in: 0 ... .max, using: &self) }, tty: bool(), confinement: confinement())
    }

    mutating func idMap() -> IDMap? {
        bool() ? IDMap(hostUID: UInt32.random(in: 0 ... .max, using: &self), hostGID: UInt32.random(in: 0 ... .max, using: &self),
                       size: UInt32.random(in: 1 ... .max, using: &self)) : nil
    }

    mutating func placement() -> Placement {
        Placement(cgroupProcs: strings(), oomScoreAdj: bool() ? Int32.random(in: -1000...1000, using: &self) : nil)
    }

    mutating func confinement() -> Confinement {
        let sets = CapabilitySets(bounding: next(), effective: next(), permitted: next(), inheritable: next(), ambient: next())
        var filter: SeccompFilter?
        if bool() {
            let actions: [SeccompAction] = [.allow, .errno(UInt16.random(in: 0 ... .max, using: &self)), .killProcess, .killThread, .trap, .log,
                                            .trace(UInt16.random(in: 0 ... .max, using: &self))]
            filter = SeccompFilter(defaultAction: actions.randomElement(using: &self)!, architectures: strings(), rules: [], log: bool(), specAllow: bool())
            // A filter travels with its compiled program or with its rules, never both.
            if bool() {
                filter?.program = SeccompProgram(bytes: (0..<(8 * Int.random(in: 1...6, using: &self))).map { _ in UInt8.random(in: 0...255, using: &self) })
            } else {
                filter?.rules = (0..<Int.random(in: 0...3, using: &self)).map { _ in
                    let arguments = (0..<Int.random(in: 0...2, using: &self)).map { _ in
                        SeccompArgument(index: UInt32.random(in: 0...5, using: &self), op: SeccompArgument.Operator.allCases.randomElement(using: &self)!,
                                        value: next(), valueTwo: next())
                    }
                    return SeccompRule(action: actions.randomElement(using: &self)!, names: [string()] + strings(), arguments: arguments)
                }
            }
        }
        return Confinement(capabilities: sets, noNewPrivileges: bool(), seccomp: filter, maskedPaths: strings(), readOnlyPaths: strings(), privileged: bool())
    }
}
