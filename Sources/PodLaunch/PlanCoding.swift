import PodCore

/// The plan on the wire: one `PLN1` message of the framed encoding (WireWriter.swift).
/// Every string is length-prefixed, so a manifest string holding NUL, `=`, `|` or a
/// newline stays one value: it cannot add a mount or change the uid (#14). Absent fields
/// keep LaunchPlan's defaults; unknown or repeated fields are errors, so a helper and a
/// supervisor of different builds fail loudly.
extension LaunchPlan {
    enum Field: UInt16, CaseIterable {
        case mode = 1, hostname, podPID, sharePID, targetPID, lowerDirs, upperDir, workDir, rootfs, readOnlyRoot
        case mounts, argv, env, cwd, uid, gid, groups, initPath, tty, hostNetwork, interface, confinement
        case sysctls, idMap, cgroupProcs, oomScoreAdj, targetPinned, rootless
    }

    public func encoded() -> [UInt8] {
        WireWriter.message(.plan) { out in
            out.string(Field.mode.rawValue, mode.rawValue)
            out.string(Field.hostname.rawValue, hostname)
            out.int32(Field.podPID.rawValue, podPID)
            out.bool(Field.sharePID.rawValue, sharePID)
            out.int32(Field.targetPID.rawValue, targetPID)
            out.strings(Field.lowerDirs.rawValue, lowerDirs)
            out.string(Field.upperDir.rawValue, upperDir)
            out.string(Field.workDir.rawValue, workDir)
            out.string(Field.rootfs.rawValue, rootfs)
            out.bool(Field.readOnlyRoot.rawValue, readOnlyRoot)
            out.records(Field.mounts.rawValue, mounts) { $0.encode(into: &$1) }
            out.strings(Field.argv.rawValue, argv)
            out.strings(Field.env.rawValue, env)
            out.string(Field.cwd.rawValue, cwd)
            out.uint32(Field.uid.rawValue, uid)
            out.uint32(Field.gid.rawValue, gid)
            out.list(Field.groups.rawValue, groups) { WireWriter.littleEndian($0) }
            out.string(Field.initPath.rawValue, initPath)
            out.bool(Field.tty.rawValue, tty)
            out.bool(Field.hostNetwork.rawValue, hostNetwork)
            out.string(Field.interface.rawValue, interface)
            out.record(Field.confinement.rawValue) { confinement.encode(into: &$0) }
            out.strings(Field.sysctls.rawValue, sysctls)
            if let idMap { out.record(Field.idMap.rawValue) { idMap.encode(into: &$0) } }
            out.strings(Field.cgroupProcs.rawValue, cgroupProcs)
            if let oomScoreAdj { out.int32(Field.oomScoreAdj.rawValue, oomScoreAdj) }
            if targetPinned { out.bool(Field.targetPinned.rawValue, true) }
            if let rootless { out.record(Field.rootless.rawValue) { rootless.encode(into: &$0) } }
        }
    }

    public static func decode(_ bytes: [UInt8]) throws(PodError) -> LaunchPlan {
        let fields = try WireReader.message(bytes, .plan, what: "the launch plan", as: Field.self)
        guard let modeName = try fields.string(.mode) else { throw fields.malformed("the plan names no mode") }
        guard let mode = Mode(rawValue: modeName) else { throw fields.malformed("an unknown mode \(modeName)") }
        var plan = LaunchPlan(mode: mode)
        plan.hostname = try fields.string(.hostname) ?? plan.hostname
        plan.podPID = try fields.int32(.podPID) ?? plan.podPID
        plan.sharePID = try fields.bool(.sharePID) ?? plan.sharePID
        plan.targetPID = try fields.int32(.targetPID) ?? plan.targetPID
        plan.lowerDirs = try fields.strings(.lowerDirs)
        plan.upperDir = try fields.string(.upperDir) ?? plan.upperDir
        plan.workDir = try fields.string(.workDir) ?? plan.workDir
        plan.rootfs = try fields.string(.rootfs) ?? plan.rootfs
        plan.readOnlyRoot = try fields.bool(.readOnlyRoot) ?? plan.readOnlyRoot
        plan.mounts = try fields.records(.mounts, as: MountSpec.Field.self).map { (mount) throws(PodError) in try MountSpec(mount) }
        plan.argv = try fields.strings(.argv)
        plan.env = try fields.strings(.env)
        plan.cwd = try fields.string(.cwd) ?? plan.cwd
        plan.uid = try fields.uint32(.uid) ?? plan.uid
        plan.gid = try fields.uint32(.gid) ?? plan.gid
        plan.groups = try fields.uint32s(.groups)
        plan.initPath = try fields.string(.initPath) ?? plan.initPath
        plan.tty = try fields.bool(.tty) ?? plan.tty
        plan.hostNetwork = try fields.bool(.hostNetwork) ?? plan.hostNetwork
        plan.interface = try fields.string(.interface) ?? plan.interface
        plan.confinement = try fields.record(.confinement, as: Confinement.Field.self).map { (record) throws(PodError) in try Confinement(record) } ?? plan.confinement
        plan.sysctls = try fields.strings(.sysctls)
        for sysctl in plan.sysctls where !sysctl.utf8.contains(UInt8(ascii: "=")) { throw fields.malformed("a sysctl without '=': \(sysctl)") }
        plan.idMap = try fields.record(.idMap, as: IDMap.Field.self).map { (record) throws(PodError) in try IDMap(record) }
        plan.cgroupProcs = try fields.strings(.cgroupProcs)
        plan.oomScoreAdj = try fields.int32(.oomScoreAdj)
        plan.targetPinned = try fields.bool(.targetPinned) ?? false
        plan.rootless = try fields.record(.rootless, as: RootlessMapping.Field.self).map { (record) throws(PodError) in try RootlessMapping(record) }
        if let score = plan.oomScoreAdj, !(-1000...1000).contains(score) { throw fields.malformed("oomScoreAdj is not in -1000…1000: \(score)") }
        return plan
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
    enum Field: UInt16 { case kind = 1, source, target, readOnly, options, subPath }

    func encode(into out: inout WireWriter) {
        out.string(Field.kind.rawValue, kind.rawValue)
        out.string(Field.source.rawValue, source)
        out.string(Field.target.rawValue, target)
        out.bool(Field.readOnly.rawValue, readOnly)
        out.string(Field.options.rawValue, options)
        if !subPath.isEmpty { out.string(Field.subPath.rawValue, subPath) }
    }

    init(_ fields: WireFields<Field>) throws(PodError) {
        let name = try fields.string(.kind) ?? ""
        guard let kind = Kind(rawValue: name) else { throw fields.malformed("an unknown mount kind \"\(name)\"") }
        self.init(kind: kind, source: try fields.string(.source) ?? "", target: try fields.string(.target) ?? "",
                  readOnly: try fields.bool(.readOnly) ?? false, options: try fields.string(.options) ?? "",
                  subPath: try fields.string(.subPath) ?? "")
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
    enum Field: UInt16 { case uidMapper = 1, gidMapper }

    func encode(into out: inout WireWriter) {
        out.strings(Field.uidMapper.rawValue, uidMapper)
        out.strings(Field.gidMapper.rawValue, gidMapper)
    }

    init(_ fields: WireFields<Field>) throws(PodError) {
        let uids = try fields.strings(.uidMapper), gids = try fields.strings(.gidMapper)
        guard !uids.isEmpty, !gids.isEmpty else { throw fields.malformed("a rootless mapping needs newuidmap and newgidmap commands") }
        self.init(uidMapper: uids, gidMapper: gids)
    }
}
