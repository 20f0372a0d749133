import CPodShim
import Glibc
import PodCore

/// Waiting for a process that is not our child to exit, on a pidfd: poll(2) reports it
/// readable once the process has exited (pidfd_open(2), "the file descriptor becomes
/// readable when the process terminates"), whoever reaps it and however late. Polling
/// its PID every few milliseconds instead costs half a period of latency on average at
/// each wait and wakes the waiter for nothing (docs/benchmarks.md, "apply and delete
/// timelines").
public enum ProcessExit {
    /// True once `pid` has exited (or there is no such process), false at the deadline;
    /// nil when no pidfd could be opened (a kernel before 5.3, or a seccomp filter that
    /// refuses the call): the caller polls as before.
    public static func wait(_ pid: Int32, seconds: Double) -> Bool? {
        guard pid > 0 else { return true }
        let raw = podshim_pidfd_open(pid, 0)
        if raw < 0 { return errno == ESRCH ? true : nil }
        defer { close(raw) }
        let deadline = monotonicSeconds() + seconds
        while true {
            var entry = pollfd(fd: raw, events: Int16(POLLIN), revents: 0)
            let left = max(0, deadline - monotonicSeconds())
            let ready = poll(&entry, 1, Int32(min(left * 1000, Double(Int32.max)).rounded(.up)))
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return nil }
            if monotonicSeconds() >= deadline { return false }
        }
    }
}
