import PodCore

extension ContainerLogReader {
    /// `kubectl logs -f`: what `read` shows, then every record appended after it, across
    /// rotations, until one of:
    ///
    /// - `emit` returns false, or `limitBytes` is reached;
    /// - the task is cancelled;
    /// - `shouldStop(restart)` returns true for the restart being followed (the
    ///   supervisor's "that container instance no longer runs"): what was written up
    ///   to then is still delivered first;
    /// - a newer restart's file appears: the kubelet follows one container instance
    ///   only. With `acrossRestarts` the follower goes on into the new instance.
    ///
    /// The file is polled every `pollInterval` while idle (the kubelet uses inotify
    /// with a 1 s fallback check; polling is simpler and cheap here). Text of a line not
    /// yet ended is shown after one idle interval and its rest comes as a continuation.
    /// With `previous`, the instance has ended: this is `read`.
    public func follow(
        _ options: LogOptions = LogOptions(),
        acrossRestarts: Bool = false,
        pollInterval: Duration = .milliseconds(100),
        shouldStop: (_ restart: Int) -> Bool = { _ in false },
        isolation: isolated (any Actor)? = #isolation,
        to emit: (LogLine) -> Bool
    ) async throws(PodError) {
        try options.validate()
        let restart = try selectedRestart(previous: options.previous)
        if options.previous { return try read(options, restart: restart, to: emit) }
        let session = LogSession(directory: directory, restart: restart, options: options)
        try session.readChain(emit: emit)
        session.releaseTail(emit: emit)
        while !session.stopped && !Task.isCancelled {
            if try session.poll(emit: emit) {
                await Task.yield()
                continue
            }
            if let newer = try session.newerRestart() {
                guard acrossRestarts else { break }
                try session.switchRestart(to: newer, emit: emit)
                continue
            }
            if shouldStop(session.restart) {
                // The container has exited: take what it wrote before that, then end.
                while try session.poll(emit: emit) {}
                break
            }
            session.flushFragments(emit: emit)
            do { try await Task.sleep(for: pollInterval) } catch { break }
        }
        session.finish(emit: emit)
    }
}
