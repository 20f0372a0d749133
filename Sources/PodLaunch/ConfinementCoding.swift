import PodCore

/// The confinement inside a plan (PlanCoding.swift): typed fields, a seccomp action as
/// libseccomp's 32-bit value, the compiled program as raw bytes. A Localhost profile's
/// syscall names come from a file on the host, but are framed all the same.
extension Confinement {
    enum Field: UInt16 { case capabilities = 1, noNewPrivileges, privileged, maskedPaths, readOnlyPaths, seccomp }
    enum CapabilityField: UInt16 { case bounding = 1, effective, permitted, inheritable, ambient }

    func encode(into out: inout WireWriter) {
        out.record(Field.capabilities.rawValue) { sets in
            sets.uint64(CapabilityField.bounding.rawValue, capabilities.bounding)
            sets.uint64(CapabilityField.effective.rawValue, capabilities.effective)
            sets.uint64(CapabilityField.permitted.rawValue, capabilities.permitted)
            sets.uint64(CapabilityField.inheritable.rawValue, capabilities.inheritable)
            sets.uint64(CapabilityField.ambient.rawValue, capabilities.ambient)
        }
        out.bool(Field.noNewPrivileges.rawValue, noNewPrivileges)
        out.bool(Field.privileged.rawValue, privileged)
        out.strings(Field.maskedPaths.rawValue, maskedPaths)
        out.strings(Field.readOnlyPaths.rawValue, readOnlyPaths)
        if let seccomp { out.record(Field.seccomp.rawValue) { seccomp.encode(into: &$0) } }
    }

    init(_ fields: WireFields<Field>) throws(PodError) {
        self = .none
        if let sets = try fields.record(.capabilities, as: CapabilityField.self) {
            guard let bounding = try sets.uint64(.bounding), let effective = try sets.uint64(.effective), let permitted = try sets.uint64(.permitted),
                  let inheritable = try sets.uint64(.inheritable), let ambient = try sets.uint64(.ambient) else {
                throw sets.malformed("the capabilities need all five sets")
            }
            capabilities = CapabilitySets(bounding: bounding, effective: effective, permitted: permitted, inheritable: inheritable, ambient: ambient)
        }
        noNewPrivileges = try fields.bool(.noNewPrivileges) ?? false
        privileged = try fields.bool(.privileged) ?? false
        maskedPaths = try fields.strings(.maskedPaths)
        readOnlyPaths = try fields.strings(.readOnlyPaths)
        seccomp = try fields.record(.seccomp, as: SeccompFilter.Field.self).map { (record) throws(PodError) in try SeccompFilter(record) }
    }
}

extension SeccompFilter {
    enum Field: UInt16 { case defaultAction = 1, architectures, rules, log, specAllow, program }

    func encode(into out: inout WireWriter) {
        out.uint32(Field.defaultAction.rawValue, defaultAction.libseccompValue)
        out.strings(Field.architectures.rawValue, architectures)
        // The helper needs the program or the rules, not both.
        if let program {
            out.bytes(Field.program.rawValue, program.bytes)
        } else {
            out.records(Field.rules.rawValue, rules) { $0.encode(into: &$1) }
        }
        out.bool(Field.log.rawValue, log)
        out.bool(Field.specAllow.rawValue, specAllow)
    }

    init(_ fields: WireFields<Field>) throws(PodError) {
        self.init(defaultAction: try fields.action(.defaultAction), architectures: try fields.strings(.architectures), rules: [],
                  log: try fields.bool(.log) ?? false, specAllow: try fields.bool(.specAllow) ?? false)
        rules = try fields.records(.rules, as: SeccompRule.Field.self).map { (record) throws(PodError) in try SeccompRule(record) }
        if let bytes = fields.bytes(.program) {
            // struct sock_filter is 8 bytes (linux/filter.h).
            guard !bytes.isEmpty, bytes.count % 8 == 0 else { throw fields.malformed("a seccomp program of \(bytes.count) bytes is not whole instructions") }
            program = SeccompProgram(bytes: bytes)
        }
    }
}

extension SeccompRule {
    enum Field: UInt16 { case action = 1, names, arguments }
    enum ArgumentField: UInt16 { case index = 1, op, value, valueTwo }

    func encode(into out: inout WireWriter) {
        out.uint32(Field.action.rawValue, action.libseccompValue)
        out.strings(Field.names.rawValue, names)
        out.records(Field.arguments.rawValue, arguments) { argument, record in
            record.uint32(ArgumentField.index.rawValue, argument.index)
            record.uint32(ArgumentField.op.rawValue, argument.op.libseccompValue)
            record.uint64(ArgumentField.value.rawValue, argument.value)
            record.uint64(ArgumentField.valueTwo.rawValue, argument.valueTwo)
        }
    }

    init(_ fields: WireFields<Field>) throws(PodError) {
        let names = try fields.strings(.names)
        guard !names.isEmpty else { throw fields.malformed("a seccomp rule names no system call") }
        var arguments: [SeccompArgument] = []
        for record in try fields.records(.arguments, as: ArgumentField.self) {
            let code = try record.uint32(.op)
            guard let index = try record.uint32(.index), let op = SeccompArgument.Operator.allCases.first(where: { $0.libseccompValue == code }),
                  let value = try record.uint64(.value), let valueTwo = try record.uint64(.valueTwo) else {
                throw record.malformed("a seccomp argument needs an index, a known operator and two values")
            }
            arguments.append(SeccompArgument(index: index, op: op, value: value, valueTwo: valueTwo))
        }
        self.init(action: try fields.action(.action), names: names, arguments: arguments)
    }
}

extension WireFields {
    /// A seccomp action given as libseccomp's value.
    func action(_ tag: Tag) throws(PodError) -> SeccompAction {
        guard let value = try uint32(tag) else { throw malformed("\(tag) is missing") }
        guard let action = SeccompAction(libseccompValue: value) else { throw malformed("\(tag) is not a seccomp action: \(value)") }
        return action
    }
}

extension SeccompAction {
    /// The inverse of `libseccompValue`: the action in the high 16 bits, a code in the low.
    public init?(libseccompValue value: UInt32) {
        let code = UInt16(truncatingIfNeeded: value)
        switch value & 0xffff_0000 {
        case 0x0005_0000: self = .errno(code)
        case 0x7ff0_0000: self = .trace(code)
        case _ where code != 0: return nil
        case 0x7fff_0000: self = .allow
        case 0x8000_0000: self = .killProcess
        case 0: self = .killThread
        case 0x0003_0000: self = .trap
        case 0x7ffc_0000: self = .log
        default: return nil
        }
    }
}
