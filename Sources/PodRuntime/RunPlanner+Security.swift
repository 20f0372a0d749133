import Glibc
import PodCore
import PodLaunch
import PodModel
import PodSecurity
import PodSupervisor

extension RunPlanner {
    /// Every container's confinement, each distinct seccomp filter compiled once by
    /// pod-helper, the one program that links libseccomp: a start or an exec then loads
    /// a ready program (docs/security.md, "Cost").
    func confinements() throws(PodError) -> [Confinement] {
        // What the pod asks and podctl refuses fails here, before anything is made.
        _ = try sysctls()
        var confinements: [Confinement] = []
        var compiled: [(filter: SeccompFilter, key: String)] = []
        for container in spec.allContainers {
            var confinement = try confinement(for: container)
            if let filter = confinement.seccomp {
                if let done = compiled.first(where: { $0.filter == filter }) {
                    confinement.seccomp?.programKey = done.key
                } else {
                    // The key once: it hashes the rules and stats the helper.
                    let key = seccompCache.key(for: filter)
                    if seccompCache.program(forKey: key) == nil {
                        try seccompCache.store(try compileSeccomp(filter, container: container.name ?? ""), forKey: key)
                    }
                    compiled.append((filter, key))
                    confinement.seccomp?.programKey = key
                }
            }
            confinements.append(confinement)
        }
        return confinements
    }

    /// Runs the helper in seccomp mode: the program comes on its standard output.
    func compileSeccomp(_ filter: SeccompFilter, container: String) throws(PodError) -> SeccompProgram {
        let plan = LaunchPlan.seccomp(filter)
        let output = try makePipe()
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        let running: HelperLauncher.Running
        do {
            running = try HelperLauncher(helperPath: binaries.helper).start(plan, stdio: .init(input: null, output: output.write, error: 2))
        } catch {
            close(output.read)
            close(output.write)
            throw error
        }
        close(output.write)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(output.read, $0.baseAddress, $0.count) }
            if count > 0 { bytes += chunk[0..<count]; continue }
            if count < 0 && errno == EINTR { continue }
            break
        }
        close(output.read)
        let (reports, code) = running.finish()
        for case let .failed(failure) in reports {
            throw PodError(.invalidManifest, "pod \(key) container \"\(container)\": cannot compile the seccomp filter: \(failure.message)")
        }
        guard code == 0, !bytes.isEmpty, bytes.count % 8 == 0 else {
            throw PodError(.system, "pod \(key) container \"\(container)\": the namespace helper gave no seccomp program (exit code \(code ?? -1))")
        }
        return SeccompProgram(bytes: bytes)
    }

    /// A container's confinement from its security context over the pod's
    /// (docs/security.md). A `Localhost` profile is read here, when the pod is applied.
    func confinement(for container: Container) throws(PodError) -> Confinement {
        let context = effectiveSecurity(container)
        do {
            return try ConfinementPolicy.confinement(for: Self.securityRequest(context), profileDirectory: seccompDirectory, host: .current)
        } catch {
            throw PodError(error.code, "pod \(key) container \"\(container.name ?? "")\": \(error.message)", cause: error.cause)
        }
    }

    static func securityRequest(_ context: SecurityContext) -> SecurityRequest {
        let seccomp: SecurityRequest.Seccomp
        switch context.seccompProfile?.type {
        case "Unconfined": seccomp = .unconfined
        case "Localhost": seccomp = .localhost(context.seccompProfile?.localhostProfile ?? "")
        default: seccomp = .runtimeDefault
        }
        return SecurityRequest(
            privileged: context.privileged == true, add: context.capabilities?.add ?? [], drop: context.capabilities?.drop ?? [],
            allowPrivilegeEscalation: context.allowPrivilegeEscalation, unmaskedProc: context.procMount == "Unmasked", seccomp: seccomp)
    }

    /// The pod's sysctls as `PATH=VALUE` under /proc/sys: `net.ipv4.tcp_rmem` and
    /// `net/ipv4/tcp_rmem` both name net/ipv4/tcp_rmem (sysctl.d(5)). A sysctl of a
    /// namespace the pod shares with the host is refused, as the kubelet does: it would
    /// change the host.
    func sysctls() throws(PodError) -> [String] {
        var items: [String] = []
        for sysctl in spec.securityContext?.sysctls ?? [] {
            guard let name = sysctl.name, !name.isEmpty else { continue }
            let path = name.contains("/") ? name : String(name.map { $0 == "." ? "/" : $0 })
            if path.hasPrefix("net/") && spec.hostNetwork == true {
                throw PodError(.invalidManifest, "pod \(key): sysctl \"\(name)\" is not allowed with hostNetwork: it would change the host's network settings")
            }
            if path.hasPrefix("kernel/") && spec.hostIPC == true {
                throw PodError(.invalidManifest, "pod \(key): sysctl \"\(name)\" is not allowed with hostIPC: it would change the host's IPC settings")
            }
            items.append("\(path)=\(sysctl.value ?? "")")
        }
        return items
    }
}
