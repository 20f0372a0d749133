import PodCgroups

/// Runs a device filter the way the kernel would, for the few instructions DeviceFilter
/// emits, and checks what the kernel's verifier checks of their shape: every jump lands
/// forward inside the program and every instruction can be reached. A program the kernel
/// would refuse, or an opcode it does not know here, is an error, never an answer.
struct BPFInterpreter {
    struct Refused: Error, CustomStringConvertible { let description: String }

    let program: [BPFInstruction]

    init(_ program: [BPFInstruction]) throws {
        self.program = program
        var reached = Set([0])
        for (index, instruction) in program.enumerated() where reached.contains(index) {
            let code = instruction.code
            if code == BPFInstruction.exit { continue }
            reached.insert(index + 1)
            if code == BPFInstruction.jumpNotEqual || code == BPFInstruction.jumpNotEqualRegister {
                let target = index + 1 + Int(instruction.offset)
                guard instruction.offset >= 0, target < program.count else { throw Refused(description: "jump out of range at \(index)") }
                reached.insert(target)
            }
        }
        guard reached.count == program.count, reached.allSatisfy({ $0 < program.count }) else {
            throw Refused(description: "unreachable instructions or a fall off the end: reached \(reached.sorted()) of \(program.count)")
        }
    }

    /// The program's answer for one access: `struct bpf_cgroup_dev_ctx` as three words.
    func run(type: Int32, access: Int32, major: UInt32, minor: UInt32) throws -> UInt64 {
        let context = [UInt32(bitPattern: access << 16 | type), major, minor]
        var registers = [UInt64](repeating: 0, count: 11)
        var pc = 0
        while pc < program.count {
            let instruction = program[pc]
            let dst = Int(instruction.dst), src = Int(instruction.src)
            let immediate = UInt64(bitPattern: Int64(instruction.immediate))
            pc += 1
            switch instruction.code {
            case BPFInstruction.loadWord:
                guard src == 1, instruction.offset % 4 == 0, (0..<12).contains(Int(instruction.offset)) else { throw Refused(description: "bad context load") }
                registers[dst] = UInt64(context[Int(instruction.offset) / 4])
            case BPFInstruction.and32: registers[dst] = UInt64(UInt32(truncatingIfNeeded: registers[dst]) & UInt32(truncatingIfNeeded: immediate))
            case BPFInstruction.rightShift32: registers[dst] = UInt64(UInt32(truncatingIfNeeded: registers[dst]) >> UInt32(truncatingIfNeeded: immediate))
            case BPFInstruction.move32Register: registers[dst] = UInt64(UInt32(truncatingIfNeeded: registers[src]))
            case BPFInstruction.move64: registers[dst] = immediate
            case BPFInstruction.jumpNotEqual: if registers[dst] != immediate { pc += Int(instruction.offset) }
            case BPFInstruction.jumpNotEqualRegister: if registers[dst] != registers[src] { pc += Int(instruction.offset) }
            case BPFInstruction.exit: return registers[0]
            default: throw Refused(description: "opcode \(instruction.code) at \(pc - 1)")
            }
        }
        throw Refused(description: "fell off the end")
    }
}
