import Foundation
import PodCore
import PodLaunch
import PodSecurity
import Testing

@Suite struct LocalhostProfileTests {
    func parse(_ json: String, capabilities: UInt64 = Capability.defaultSet) throws -> SeccompFilter {
        try LocalhostProfile.parse(Data(json.utf8), file: "/p/profile.json", capabilities: capabilities, host: testHost)
    }

    func problem(_ json: String) -> String {
        do {
            _ = try parse(json)
            return "no error"
        } catch let error as PodError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    @Test func theOCIForm() throws {
        let filter = try parse("""
            {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_AARCH64"],
             "syscalls": [
               {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
               {"names": ["chmod"], "action": "SCMP_ACT_ERRNO"},
               {"names": ["personality"], "action": "SCMP_ACT_KILL_PROCESS",
                "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_NE"}, {"index": 1, "value": 255, "valueTwo": 4, "op": "SCMP_CMP_MASKED_EQ"}]}
             ], "comment": "ignored"}
            """)
        #expect(filter.defaultAction == .allow)
        #expect(filter.architectures == ["x86_64", "x86"], "another machine's ABI is left out")
        #expect(filter.rules == [
            SeccompRule(action: .errno(13), names: ["mkdir", "mkdirat"]),
            SeccompRule(action: .errno(1), names: ["chmod"]),
            SeccompRule(action: .killProcess, names: ["personality"], arguments: [
                SeccompArgument(index: 0, op: .notEqual, value: 8), SeccompArgument(index: 1, op: .maskedEqual, value: 255, valueTwo: 4),
            ]),
        ])
    }

    @Test func dockersFormWithArchMapAndConditions() throws {
        let json = """
            {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
             "archMap": [{"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]},
                         {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}],
             "syscalls": [
               {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
               {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
               {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
               {"names": ["kexec_load"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "9.0"}},
               {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
               {"names": ["set_tls"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["arm64"]}},
               {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "excludes": {"caps": ["CAP_SYS_ADMIN"]}}
             ]}
            """
        let plain = try parse(json)
        #expect(plain.defaultAction == .errno(1))
        #expect(plain.architectures == ["x86_64", "x86", "x32"])
        #expect(plain.rules.map(\.names) == [["read", "write"], ["ptrace"], ["arch_prctl"], ["clone3"]])
        let admin = try parse(json, capabilities: Capability.defaultSet | Capability.mask("SYS_ADMIN")!)
        #expect(admin.rules.map(\.names) == [["read", "write"], ["mount"], ["ptrace"], ["arch_prctl"]])
    }

    @Test func theOldSingleNameFieldAndNoArchitecturesMeanNative() throws {
        let filter = try parse(#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"name": "mkdir", "action": "SCMP_ACT_LOG"}]}"#)
        #expect(filter.architectures == [])
        #expect(filter.rules == [SeccompRule(action: .log, names: ["mkdir"])])
    }

    @Test func malformedProfilesAreRefusedWithTheFileAndTheReason() {
        #expect(problem("{not json").hasPrefix("the seccomp profile /p/profile.json is not valid: not JSON"))
        #expect(problem(#"{"syscalls": []}"#) == #"the seccomp profile /p/profile.json is not valid: "defaultAction" is missing"#)
        #expect(problem(#"{"defaultAction": "SCMP_ACT_NOPE"}"#).contains(#"defaultAction: unknown action "SCMP_ACT_NOPE""#))
        #expect(problem(#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["x"], "action": "SCMP_ACT_NOTIFY"}]}"#).contains("seccomp agent"))
        #expect(problem(#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [], "action": "SCMP_ACT_ERRNO"}]}"#).contains("syscalls[0]: names no system call"))
        #expect(problem(#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a|b"], "action": "SCMP_ACT_ERRNO"}]}"#).contains("not a system call name"))
        #expect(problem(#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 7, "value": 1, "op": "SCMP_CMP_EQ"}]}]}"#).contains("syscalls[0].args[0].index"))
        #expect(problem(#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "EQ"}]}]}"#).contains("unknown operator"))
        #expect(problem(#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_NOPE"]}}]}"#).contains("not a capability"))
        #expect(problem(#"{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_NOPE"]}"#).contains("unknown flag"))
        #expect(problem(#"{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/run/agent.sock"}"#).contains("listenerPath"))
        #expect(problem(#"{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 70000}"#).contains("out of range"))
        #expect(problem(#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"]}]}"#).contains(#""action" is missing at syscalls[0]"#))
    }

    @Test func filterFlags() throws {
        let filter = try parse(#"{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]}"#)
        #expect(filter.log && filter.specAllow)
    }

    @Test func theDirectoryIsUnderTheRoot() {
        #expect(LocalhostProfile.directory(root: "/var/lib/podctl") == "/var/lib/podctl/seccomp")
    }
}
