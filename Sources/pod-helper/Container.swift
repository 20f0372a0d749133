import CPodShim
import Glibc
import PodLaunch
import PodOS

/// Starts a container: joins the pause's network, UTS, IPC and mount namespaces, then
/// makes its own mount, cgroup and PID namespaces, builds the root and execs the init.
///
/// The container's PID namespace is a sibling of the pod's, not nested in it
/// (docs/architecture.md, D14): nesting needs a process inside the pod's namespace to
/// unshare (copy_pid_ns refuses when pid_for_children is not the caller's own), and the
/// container's init would then be reparented to pause, not to the supervisor, which must
/// read exit statuses itself. With shareProcessNamespace the container joins the pod's
/// namespace instead, and its processes are children of the supervisor all the same.
func startContainer(_ plan: ContainerLaunch) -> Never {
    // Before the pod's mount namespace is joined: the host's mount table as it is now.
    let hostTrees = cloneHostTrees(plan)
    if plan.joinsPodUserNamespace {
        joinRootlessPod(plan.podPID)
    } else {
        for (kind, flag) in [("net", Namespace.net), ("uts", Namespace.uts), ("ipc", Namespace.ipc), ("mnt", Namespace.mount)] {
            join(kind, of: plan.podPID, flag: flag)
        }
    }
    // A user's container: its mount namespace and overlay first (RootlessRoot.swift, D71).
    let rootless = plan.joinsPodUserNamespace ? plan.rootlessOverlay ?? RootlessOverlay() : nil
    if let rootless { mountRootlessRoot(plan, rootless) }
    if plan.sharePID { join("pid", of: plan.podPID, flag: Namespace.pid) }
    let userNamespace = openUserNamespace(of: plan.podPID, plan.idMap)
    // hostPID: the helper runs in the host's PID namespace, and the container stays there.
    unshareNamespaces((rootless == nil ? Namespace.mount : 0) | Namespace.cgroup | (plan.sharePID || plan.hostPID ? 0 : Namespace.pid), "container's mount, cgroup and PID")
    // Opened now, while the host's files are visible; exec'd by descriptor after pivot_root.
    let initDescriptor = plan.initPath.isEmpty ? -1 : check(open(plan.initPath, openPathOnly | O_CLOEXEC), "open", plan.initPath, "cannot open the container init")
    let pid = fork()
    if pid < 0 { check(-1, "fork", "", "cannot start the container") }
    if pid > 0 {
        report(.started(pid: pid))
        exit(0)
    }
    buildRoot(plan, userNamespace: userNamespace, hostTrees: hostTrees, overlayMounted: rootless != nil)
    let program = resolveProgram(plan.process)
    enterWorkingDirectory(plan.process.cwd)
    if plan.process.tty { takeConsole() }
    enterUserNamespace(userNamespace)
    dropPrivileges(plan.process)
    awaitStartGate()
    closeReportOnExec()
    execute(program: program, plan.process, initPath: plan.initPath, initDescriptor: initDescriptor)
}

/// The first start of a pod's containers overlaps the network's set-up (pod-network) with
/// everything before the exec: cgroups, namespaces, the root. The workload still starts
/// only once the pod's network is there, as the kubelet starts containers only after the
/// CNI ADD returned (D80). A container created through the CRI waits here from its
/// CreateContainer to its StartContainer (D82). End-of-file: the start was called off (the
/// network failed, the container was removed or the sandbox stopped first). No gate passed
/// (a restart, a container added by apply): nothing to wait for.
func awaitStartGate() {
    guard fcntl(HelperDescriptors.startGate, F_GETFD) >= 0 else { return }
    var byte: UInt8 = 0
    var count: Int
    repeat { count = read(HelperDescriptors.startGate, &byte, 1) } while count < 0 && errno == EINTR
    let code = errno
    close(HelperDescriptors.startGate)
    if count == 1 { return }
    fail(.setup, "read", count < 0 ? code : 0, "", "the container's start was called off (the pod's network was not set up, or the container was removed first); it did not run")
}

/// The working directory comes from the manifest or the image: it is resolved inside the
/// container's root (now "/") with RESOLVE_NO_MAGICLINKS, so /proc/1/root/… of a shared
/// PID namespace cannot lead the process into pause's root, the host's.
func enterWorkingDirectory(_ cwd: String) {
    let root = check(open("/", podshim_O_PATH | O_DIRECTORY | O_CLOEXEC), "open", "/")
    let directory = InRoot.open(root, cwd, flags: podshim_O_PATH | O_DIRECTORY)
    let code = errno
    close(root)
    if directory < 0 {
        let reason = code == ENOENT ? "does not exist in the container" : "cannot be resolved inside the container's root"
        fail(.setup, "openat2", code, cwd, "the working directory \(cwd) \(reason): \(String(cString: strerror(code)))")
    }
    check(fchdir(directory), "fchdir", cwd, "cannot enter the working directory \(cwd)")
    close(directory)
}

/// Execs the init (from its descriptor) with the program as its argument, or the program
/// itself when the init is turned off.
func execute(program: String, _ process: ProcessSpec, initPath: String, initDescriptor: Int32) -> Never {
    let env = cStringArray(process.env)
    if initDescriptor >= 0 {
        let argv = cStringArray(["pod-init", "--", program] + process.argv.dropFirst())
        _ = podshim_execveat_fd(initDescriptor, argv, env)
        fail(.setup, "execveat", errno, initPath, "cannot run the container init: \(String(cString: strerror(errno)))")
    }
    let argv = cStringArray([process.argv.first ?? program] + process.argv.dropFirst())
    execve(program, argv, env)
    let code = errno
    fail(code == EACCES || code == ENOEXEC ? .notExecutable : .notFound, "execve", code, program, "cannot run \(program): \(String(cString: strerror(code)))")
}

/// `tty: true`: a pty from the container's own devpts (so ttyname works inside, as runc's
/// console socket gives containerd), whose master goes to the supervisor over the terminal
/// socket; the container's session gets the slave as its controlling terminal and its
/// standard streams (setsid(2), TIOCSCTTY: tty_ioctl(4)). pod-init makes the workload the
/// terminal's foreground group.
private func takeConsole() {
    let terminal = openTerminal()
    check(podshim_send_fd(HelperDescriptors.terminal, terminal.master), "sendmsg", "", "cannot hand the terminal to the supervisor")
    close(terminal.master)
    close(HelperDescriptors.terminal)
    attachTerminal(terminal.slavePath)
}
