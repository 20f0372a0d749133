import PodCore

/// The plan on the wire: one `PLN1` message of the framed encoding (WireWriter.swift).
/// Every string is length-prefixed, so a manifest string holding NUL, `=`, `|` or a
/// newline stays one value: it cannot add a mount or change the uid (#14). The mode comes
/// first and names the payload; a field the mode does not take is an error, as are
/// unknown or repeated fields, so a helper and a supervisor of different builds fail
/// loudly. Absent fields keep the payload's defaults.
extension LaunchPlan {
    enum Field: UInt16, CaseIterable {
        case mode = 1, hostname, podPID, sharePID, targetPID, lowerDirs, upperDir, workDir, rootfs, readOnlyRoot
        case mounts, argv, env, cwd, uid, gid, groups, initPath, tty, hostNetwork, interface, confinement
        case sysctls, idMap, cgroupProcs, oomScoreAdj, targetPinned, rootless, joinsPodUserNamespace
        case hostPID, hostIPC, rootlessOverlay
    }

    static let processFields: Set<Field> = [.argv, .env, .cwd, .uid, .gid, .groups, .tty, .confinement]
    static let placementFields: Set<Field> = [.cgroupProcs, .oomScoreAdj]

    /// The fields each mode takes, besides `mode`.
    static func fields(of mode: Mode) -> Set<Field> {
        let own: Set<Field>
        switch mode {
        case .sandbox: own = [.hostname, .initPath, .mounts, .sysctls, .hostNetwork, .hostPID, .hostIPC, .idMap, .rootless]
        case .container: own = Set<Field>([.podPID, .sharePID, .hostPID, .lowerDirs, .upperDir, .workDir, .rootfs, .readOnlyRoot, .mounts, .initPath, .idMap, .joinsPodUserNamespace, .rootlessOverlay]).union(processFields)
        case .exec: own = Set<Field>([.targetPID, .targetPinned, .idMap, .joinsPodUserNamespace]).union(processFields)
        case .seccomp: return [.confinement]
        case .network: return [.podPID, .interface, .joinsPodUserNamespace]
        }
        return own.union(placementFields)
    }

    public func encoded() -> [UInt8] {
        WireWriter.message(.plan) { out in
            out.string(Field.mode.rawValue, mode.rawValue)
            switch self {
            case let .sandbox(plan):
                out.string(Field.hostname.rawValue, plan.hostname)
                out.string(Field.initPath.rawValue, plan.pausePath)
                out.records(Field.mounts.rawValue, plan.mounts) { $0.encode(into: &$1) }
                out.strings(Field.sysctls.rawValue, plan.sysctls)
                out.bool(Field.hostNetwork.rawValue, plan.hostNetwork)
                if plan.hostPID { out.bool(Field.hostPID.rawValue, true) }
                if plan.hostIPC { out.bool(Field.hostIPC.rawValue, true) }
                if let rootless = plan.rootless { out.record(Field.rootless.rawValue) { rootless.encode(into: &$0) } }
                Self.encode(plan.idMap, plan.placement, into: &out)
            case let .container(plan):
                out.int32(Field.podPID.rawValue, plan.podPID)
                out.bool(Field.sharePID.rawValue, plan.sharePID)
                if plan.hostPID { out.bool(Field.hostPID.rawValue, true) }
                out.strings(Field.lowerDirs.rawValue, plan.lowerDirs)
                out.string(Field.upperDir.rawValue, plan.upperDir)
                out.string(Field.workDir.rawValue, plan.workDir)
                out.string(Field.rootfs.rawValue, plan.rootfs)
                out.bool(Field.readOnlyRoot.rawValue, plan.readOnlyRoot)
                out.records(Field.mounts.rawValue, plan.mounts) { $0.encode(into: &$1) }
                out.string(Field.initPath.rawValue, plan.initPath)
                if plan.joinsPodUserNamespace { out.bool(Field.joinsPodUserNamespace.rawValue, true) }
                if let overlay = plan.rootlessOverlay { out.record(Field.rootlessOverlay.rawValue) { overlay.encode(into: &$0) } }
                plan.process.encode(into: &out)
                Self.encode(plan.idMap, plan.placement, into: &out)
            case let .exec(plan):
                out.int32(Field.targetPID.rawValue, plan.targetPID)
                if plan.targetPinned { out.bool(Field.targetPinned.rawValue, true) }
                if plan.joinsPodUserNamespace { out.bool(Field.joinsPodUserNamespace.rawValue, true) }
                plan.process.encode(into: &out)
                Self.encode(plan.idMap, plan.placement, into: &out)
            case let .seccomp(filter):
                out.record(Field.confinement.rawValue) { Confinement(seccomp: filter).encode(into: &$0) }
            case let .network(plan):
                out.int32(Field.podPID.rawValue, plan.podPID)
                out.string(Field.interface.rawValue, plan.interface)
                if plan.joinsPodUserNamespace { out.bool(Field.joinsPodUserNamespace.rawValue, true) }
            }
        }
    }

    private static func encode(_ idMap: IDMap?, _ placement: Placement, into out: inout WireWriter) {
        if let idMap { out.record(Field.idMap.rawValue) { idMap.encode(into: &$0) } }
        out.strings(Field.cgroupProcs.rawValue, placement.cgroupProcs)
        if let score = placement.oomScoreAdj { out.int32(Field.oomScoreAdj.rawValue, score) }
    }

    public static func decode(_ bytes: [UInt8]) throws(PodError) -> LaunchPlan {
        let fields = try WireReader.message(bytes, .plan, what: "the launch plan", as: Field.self)
        guard let modeName = try fields.string(.mode) else { throw fields.malformed("the plan names no mode") }
        guard let mode = Mode(rawValue: modeName) else { throw fields.malformed("an unknown mode \(modeName)") }
        try fields.refuse(allBut: Self.fields(of: mode).union([.mode]), "a \(mode.rawValue) plan")
        switch mode {
        case .sandbox:
            var plan = SandboxLaunch()
            plan.hostname = try fields.string(.hostname) ?? ""
            plan.pausePath = try fields.string(.initPath) ?? ""
            plan.mounts = try fields.mounts()
            plan.sysctls = try fields.strings(.sysctls)
            for sysctl in plan.sysctls where !sysctl.utf8.contains(UInt8(ascii: "=")) { throw fields.malformed("a sysctl without '=': \(sysctl)") }
            plan.hostNetwork = try fields.bool(.hostNetwork) ?? false
            plan.hostPID = try fields.bool(.hostPID) ?? false
            plan.hostIPC = try fields.bool(.hostIPC) ?? false
            plan.rootless = try fields.record(.rootless, as: RootlessMapping.Field.self).map { (record) throws(PodError) in try RootlessMapping(record) }
            plan.idMap = try fields.idMap()
            plan.placement = try fields.placement()
            return .sandbox(plan)
        case .container:
            var plan = ContainerLaunch()
            plan.podPID = try fields.int32(.podPID) ?? 0
            plan.sharePID = try fields.bool(.sharePID) ?? false
            plan.hostPID = try fields.bool(.hostPID) ?? false
            if plan.sharePID && plan.hostPID { throw fields.malformed("a container plan that both shares the pod's PID namespace and the host's") }
            plan.lowerDirs = try fields.strings(.lowerDirs)
            plan.upperDir = try fields.string(.upperDir) ?? ""
            plan.workDir = try fields.string(.workDir) ?? ""
            plan.rootfs = try fields.string(.rootfs) ?? ""
            plan.readOnlyRoot = try fields.bool(.readOnlyRoot) ?? false
            plan.mounts = try fields.mounts()
            plan.initPath = try fields.string(.initPath) ?? ""
            plan.joinsPodUserNamespace = try fields.bool(.joinsPodUserNamespace) ?? false
            plan.rootlessOverlay = try fields.record(.rootlessOverlay, as: RootlessOverlay.Field.self).map { (record) throws(PodError) in try RootlessOverlay(record) }
            plan.process = try ProcessSpec(fields)
            plan.idMap = try fields.idMap()
            plan.placement = try fields.placement()
            return .container(plan)
        case .exec:
            var plan = ExecLaunch()
            plan.targetPID = try fields.int32(.targetPID) ?? 0
            plan.targetPinned = try fields.bool(.targetPinned) ?? false
            plan.joinsPodUserNamespace = try fields.bool(.joinsPodUserNamespace) ?? false
            plan.process = try ProcessSpec(fields)
            plan.idMap = try fields.idMap()
            plan.placement = try fields.placement()
            return .exec(plan)
        case .seccomp:
            let confinement = try fields.record(.confinement, as: Confinement.Field.self).map { (record) throws(PodError) in try Confinement(record) }
            guard let filter = confinement?.seccomp else { throw fields.malformed("a seccomp plan without a filter") }
            return .seccomp(filter)
        case .network:
            return .network(NetworkLaunch(podPID: try fields.int32(.podPID) ?? 0, interface: try fields.string(.interface) ?? "",
                                          joinsPodUserNamespace: try fields.bool(.joinsPodUserNamespace) ?? false))
        }
    }
}

extension ProcessSpec {
    typealias Field = LaunchPlan.Field

    func encode(into out: inout WireWriter) {
        out.strings(Field.argv.rawValue, argv)
        out.strings(Field.env.rawValue, env)
        out.string(Field.cwd.rawValue, cwd)
        out.uint32(Field.uid.rawValue, uid)
        out.uint32(Field.gid.rawValue, gid)
        out.list(Field.groups.rawValue, groups) { WireWriter.littleEndian($0) }
        out.bool(Field.tty.rawValue, tty)
        out.record(Field.confinement.rawValue) { confinement.encode(into: &$0) }
    }

    init(_ fields: WireFields<Field>) throws(PodError) {
        self.init()
        argv = try fields.strings(.argv)
        env = try fields.strings(.env)
        cwd = try fields.string(.cwd) ?? cwd
        uid = try fields.uint32(.uid) ?? 0
        gid = try fields.uint32(.gid) ?? 0
        groups = try fields.uint32s(.groups)
        tty = try fields.bool(.tty) ?? false
        confinement = try fields.record(.confinement, as: Confinement.Field.self).map { (record) throws(PodError) in try Confinement(record) } ?? .none
    }
}

extension Confinement {
    /// Only a filter: what a seccomp-mode plan carries.
    init(seccomp filter: SeccompFilter) {
        self = .none
        seccomp = filter
    }
}

extension WireFields where Tag == LaunchPlan.Field {
    func mounts() throws(PodError) -> [MountSpec] {
        try records(.mounts, as: MountSpec.Field.self).map { (mount) throws(PodError) in try MountSpec(mount) }
    }

    func idMap() throws(PodError) -> IDMap? {
        try record(.idMap, as: IDMap.Field.self).map { (record) throws(PodError) in try IDMap(record) }
    }

    func placement() throws(PodError) -> Placement {
        let placement = Placement(cgroupProcs: try strings(.cgroupProcs), oomScoreAdj: try int32(.oomScoreAdj))
        if let score = placement.oomScoreAdj, !(-1000...1000).contains(score) { throw malformed("oomScoreAdj is not in -1000…1000: \(score)") }
        return placement
    }
}

extension WireFields {
    /// A list of 32-bit integers (supplementary groups).
    func uint32s(_ tag: Tag) throws(PodError) -> [UInt32] {
        var values: [UInt32] = []
        for element in try list(tag) {
            guard element.count == 4 else { throw malformed("\(tag) holds an element of \(element.count) bytes, not 4") }
            values.append(WireCursor.littleEndian(element))
        }
        return values
    }
}

extension MountSpec {
    enum Field: UInt16 { case kind = 1, source, target, readOnly, options, subPath, recursiveReadOnly, fromHost, propagation }

    func encode(into out: inout WireWriter) {
        out.string(Field.kind.rawValue, kind.rawValue)
        out.string(Field.source.rawValue, source)
        out.string(Field.target.rawValue, target)
        out.bool(Field.readOnly.rawValue, readOnly)
        out.string(Field.options.rawValue, options)
        if !subPath.isEmpty { out.string(Field.subPath.rawValue, subPath) }
        if recursiveReadOnly { out.bool(Field.recursiveReadOnly.rawValue, true) }
        if fromHost { out.bool(Field.fromHost.rawValue, true) }
        if propagation != .private { out.string(Field.propagation.rawValue, propagation.rawValue) }
    }

    init(_ fields: WireFields<Field>) throws(PodError) {
        let name = try fields.string(.kind) ?? ""
        guard let kind = Kind(rawValue: name) else { throw fields.malformed("an unknown mount kind \"\(name)\"") }
        let propagationName = try fields.string(.propagation) ?? MountPropagation.private.rawValue
        guard let propagation = MountPropagation(rawValue: propagationName) else { throw fields.malformed("an unknown mount propagation \"\(propagationName)\"") }
        self.init(kind: kind, source: try fields.string(.source) ?? "", target: try fields.string(.target) ?? "",
                  readOnly: try fields.bool(.readOnly) ?? false, options: try fields.string(.options) ?? "",
                  subPath: try fields.string(.subPath) ?? "", recursiveReadOnly: try fields.bool(.recursiveReadOnly) ?? false,
                  fromHost: try fields.bool(.fromHost) ?? false, propagation: propagation)
    }
}

extension IDMap {
    enum Field: UInt16 { case hostUID = 1, hostGID, size }

    func encode(into out: inout WireWriter) {
        out.uint32(Field.hostUID.rawValue, hostUID)
        out.uint32(Field.hostGID.rawValue, hostGID)
        out.uint32(Field.size.rawValue, size)
    }

    init(_ fields: WireFields<Field>) throws(PodError) {
        guard let uid = try fields.uint32(.hostUID), let gid = try fields.uint32(.hostGID), let size = try fields.uint32(.size), size > 0 else {
            throw fields.malformed("an ID map needs hostUID, hostGID and a size above 0")
        }
        self.init(hostUID: uid, hostGID: gid, size: size)
    }
}

extension RootlessMapping {
    enum Field: UInt16 { case uidMapper = 1, gidMapper, userNetworkPID }

    func encode(into out: inout WireWriter) {
        out.strings(Field.uidMapper.rawValue, uidMapper)
        out.strings(Field.gidMapper.rawValue, gidMapper)
        out.int32(Field.userNetworkPID.rawValue, userNetworkPID)
    }

    init(_ fields: WireFields<Field>) throws(PodError) {
        let uids = try fields.strings(.uidMapper), gids = try fields.strings(.gidMapper)
        guard !uids.isEmpty, !gids.isEmpty else { throw fields.malformed("a rootless mapping needs newuidmap and newgidmap commands") }
        let holder = try fields.int32(.userNetworkPID) ?? 0
        guard holder >= 0 else { throw fields.malformed("a rootless mapping's user network holder must be a PID") }
        self.init(uidMapper: uids, gidMapper: gids, userNetworkPID: holder)
    }
}

extension RootlessOverlay {
    enum Field: UInt16 { case forceFuse = 1, fuseProgram }

    func encode(into out: inout WireWriter) {
        out.bool(Field.forceFuse.rawValue, forceFuse)
        out.string(Field.fuseProgram.rawValue, fuseProgram)
    }

    init(_ fields: WireFields<Field>) throws(PodError) {
        let program = try fields.string(.fuseProgram) ?? ""
        // Bytes, not characters: "/" and a combining mark after it are one Character.
        guard program.isEmpty || program.utf8.first == UInt8(ascii: "/") else { throw fields.malformed("fuse-overlayfs must be an absolute path") }
        self.init(forceFuse: try fields.bool(.forceFuse) ?? false, fuseProgram: program)
    }
}
