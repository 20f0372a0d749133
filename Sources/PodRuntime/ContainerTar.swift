import Glibc
import PodCore
import PodLaunch
import PodSupervisor

/// The container side of `podctl cp`, kubectl's way (docs/cli.md, "cp"): `tar` run in the
/// container through the exec path (pod-helper joins its namespaces), so the copy sees
/// the container's own mounts (volumes, tmpfs) and runs as its user; it needs a `tar`
/// in the image, as kubectl cp does.
public struct ContainerTar {
    let target: ExecTarget

    public init(target: ExecTarget) {
        self.target = target
    }

    /// Runs `argv` with standard output on a pipe that `consume` reads while it runs;
    /// returns the command's exit code. An error of `consume` closes the pipe (the
    /// command ends on a broken pipe) and is rethrown once the command is reaped.
    public func reading(_ argv: [String], consume: (Int32) throws(PodError) -> Void) throws(PodError) -> Int32 {
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(null) }
        let (running, ours) = try startPiped(argv, childEnd: { .init(input: null, output: $0, error: 2) }, read: false)
        var failure: PodError?
        do { try consume(ours) } catch { failure = error }
        close(ours)
        let code = HelperLauncher.waitFor(running.pid)
        // A tar that failed (a missing path) says why on standard error; its exit code
        // is the error then, not the empty stream it left.
        if let failure { throw code == 0 ? failure : ContainerTar.terminated(code, failure) }
        return code
    }

    static func terminated(_ code: Int32, _ cause: PodError? = nil) -> PodError {
        PodError(.invalidArgument, "command terminated with exit code \(code)", cause: cause.map { .error($0) })
    }

    /// Runs `argv` with standard input on a pipe that `produce` writes while it runs.
    public func writing(_ argv: [String], produce: (Int32) throws(PodError) -> Void) throws(PodError) -> Int32 {
        let (running, ours) = try startPiped(argv, childEnd: { .init(input: $0, output: 1, error: 2) }, read: true)
        // The command may stop reading (a full disk): SIGPIPE must not end podctl.
        signal(SIGPIPE, SIG_IGN)
        var failure: PodError?
        do { try produce(ours) } catch { failure = error }
        close(ours)
        let code = HelperLauncher.waitFor(running.pid)
        if let failure, code == 0 { throw failure }
        return code
    }

    /// `test -d PATH` in the container: kubectl's checkDestinationIsDir.
    public func isDirectory(_ path: String) throws(PodError) -> Bool {
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        let running = try start(["test", "-d", path], input: null, output: null, error: null)
        let failed = (try? check(running)) == nil
        return HelperLauncher.waitFor(running.pid) == 0 && !failed
    }

    /// Starts `argv` with one end of a new pipe as the stdio `childEnd` makes of it and
    /// waits for its report; returns the helper and the caller's end (the write end when
    /// the command `read`s). Every descriptor is closed on every failure.
    private func startPiped(_ argv: [String], childEnd: (Int32) -> HelperLauncher.Stdio, read: Bool) throws(PodError) -> (HelperLauncher.Running, Int32) {
        let pipe = try makePipe()
        let (theirs, ours) = read ? (pipe.read, pipe.write) : (pipe.write, pipe.read)
        let stdio = childEnd(theirs)
        let running: HelperLauncher.Running
        do { running = try start(argv, input: stdio.input, output: stdio.output, error: stdio.error) } catch {
            close(theirs); close(ours)
            throw error
        }
        close(theirs)
        do { try check(running) } catch {
            close(ours)
            throw error
        }
        return (running, ours)
    }

    private func start(_ argv: [String], input: Int32, output: Int32, error: Int32) throws(PodError) -> HelperLauncher.Running {
        let plan = try target.launchPlan(command: argv, tty: false)
        return try HelperLauncher(helperPath: target.helperPath).start(plan, stdio: .init(input: input, output: output, error: error))
    }

    /// The helper's report: a failure before the command ran (no `tar` in the image)
    /// becomes the error; the helper is reaped then.
    private func check(_ running: HelperLauncher.Running) throws(PodError) {
        let (reports, _) = running.finish(reap: false)
        for case let .failed(failure) in reports {
            _ = HelperLauncher.waitFor(running.pid)
            let hint = failure.kind == .notFound ? " (podctl cp runs tar in the container, as kubectl cp does: the image needs one)" : ""
            throw PodError(.invalidArgument, failure.message + hint, cause: .system(call: failure.call, errno: failure.errno, path: failure.path))
        }
    }
}
