/// One eBPF instruction, `struct bpf_insn` of include/uapi/linux/bpf.h: an opcode, two
/// 4-bit register numbers, a signed 16-bit jump offset and a signed 32-bit immediate.
public struct BPFInstruction: Equatable, Sendable {
    public let code: UInt8
    public let dst: UInt8
    public let src: UInt8
    public let offset: Int16
    public let immediate: Int32

    public init(_ code: UInt8, dst: UInt8 = 0, src: UInt8 = 0, offset: Int16 = 0, immediate: Int32 = 0) {
        self.code = code
        self.dst = dst
        self.src = src
        self.offset = offset
        self.immediate = immediate
    }

    // The opcodes the device filter uses (Documentation/bpf/standardization/instruction-set.rst):
    /// `dst = *(u32 *)(src + offset)`: BPF_LDX | BPF_MEM | BPF_W.
    public static let loadWord: UInt8 = 0x61
    /// 32-bit `dst &= imm`, `dst >>= imm`, `dst = src`: BPF_ALU | BPF_AND/RSH | BPF_K, BPF_MOV | BPF_X.
    public static let and32: UInt8 = 0x54
    public static let rightShift32: UInt8 = 0x74
    public static let move32Register: UInt8 = 0xbc
    /// `dst = imm` (64-bit): BPF_ALU64 | BPF_MOV | BPF_K.
    public static let move64: UInt8 = 0xb7
    /// `if dst != imm` / `if dst != src` then skip `offset` instructions: BPF_JMP | BPF_JNE | BPF_K/X.
    public static let jumpNotEqual: UInt8 = 0x55
    public static let jumpNotEqualRegister: UInt8 = 0x5d
    /// BPF_JMP | BPF_EXIT: return r0.
    public static let exit: UInt8 = 0x95

    /// The 8 bytes of `struct bpf_insn` on a little-endian machine (x86-64, arm64): the
    /// destination register in the low nibble of the second byte.
    public var bytes: [UInt8] {
        let off = UInt16(bitPattern: offset), imm = UInt32(bitPattern: immediate)
        return [code, (src << 4) | (dst & 0x0f), UInt8(off & 0xff), UInt8(off >> 8),
                UInt8(imm & 0xff), UInt8((imm >> 8) & 0xff), UInt8((imm >> 16) & 0xff), UInt8(imm >> 24)]
    }
}

/// The cgroup v2 form of a device allow-list: a BPF_PROG_TYPE_CGROUP_DEVICE program that
/// the kernel runs on every mknod and open of a device node in the cgroup. Its context is
/// `struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }`, the device
/// type in the low 16 bits of access_type and the access bits in the high 16; it returns
/// 1 to allow, 0 to refuse with EPERM. The shape is runc's devicefilter and crun's
/// ebpf.c: load the fields into registers, then one block per rule that jumps to the next
/// block on the first mismatch and returns 1 at its end; 0 after the last.
public enum DeviceFilter {
    // Registers: r1 the context (then scratch), r2 type, r3 access, r4 major, r5 minor.
    static let context: UInt8 = 1, type: UInt8 = 2, access: UInt8 = 3, major: UInt8 = 4, minor: UInt8 = 5

    public static func program(_ rules: [DeviceRule]) -> [BPFInstruction] {
        var program: [BPFInstruction] = [
            BPFInstruction(BPFInstruction.loadWord, dst: type, src: context, offset: 0),
            BPFInstruction(BPFInstruction.and32, dst: type, immediate: 0xffff),
            BPFInstruction(BPFInstruction.loadWord, dst: access, src: context, offset: 0),
            BPFInstruction(BPFInstruction.rightShift32, dst: access, immediate: 16),
            BPFInstruction(BPFInstruction.loadWord, dst: major, src: context, offset: 4),
            BPFInstruction(BPFInstruction.loadWord, dst: minor, src: context, offset: 8),
        ]
        for rule in rules {
            let block = self.block(rule)
            program += block.instructions
            // A rule that matches everything ends the program: the verifier refuses code
            // that cannot be reached.
            if block.unconditional { return program }
        }
        return program + returning(0)
    }

    /// The rule's tests, each jumping past the block's end when it fails, then `return 1`.
    static func block(_ rule: DeviceRule) -> (instructions: [BPFInstruction], unconditional: Bool) {
        var tests: [(code: UInt8, dst: UInt8, src: UInt8, immediate: Int32)] = []
        if let bpfType = rule.kind.bpfType { tests.append((BPFInstruction.jumpNotEqual, type, 0, bpfType)) }
        var masking: [BPFInstruction] = []
        if rule.access != .all {
            // Allowed when the requested bits are a subset of the rule's: (access & rule) == access.
            masking = [BPFInstruction(BPFInstruction.move32Register, dst: context, src: access),
                       BPFInstruction(BPFInstruction.and32, dst: context, immediate: rule.access.rawValue)]
        }
        if let value = rule.major { tests.append((BPFInstruction.jumpNotEqual, major, 0, Int32(bitPattern: value))) }
        if let value = rule.minor { tests.append((BPFInstruction.jumpNotEqual, minor, 0, Int32(bitPattern: value))) }
        if !masking.isEmpty { tests.append((BPFInstruction.jumpNotEqualRegister, context, access, 0)) }
        let length = masking.count + tests.count + 2
        var instructions = masking
        for test in tests {
            let remaining = length - instructions.count - 1
            instructions.append(BPFInstruction(test.code, dst: test.dst, src: test.src, offset: Int16(remaining), immediate: test.immediate))
        }
        return (instructions + returning(1), tests.isEmpty)
    }

    static func returning(_ value: Int32) -> [BPFInstruction] {
        [BPFInstruction(BPFInstruction.move64, dst: 0, immediate: value), BPFInstruction(BPFInstruction.exit)]
    }

    /// The program as the bytes BPF_PROG_LOAD reads.
    public static func bytes(_ program: [BPFInstruction]) -> [UInt8] { program.flatMap(\.bytes) }
}
