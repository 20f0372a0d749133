/// A child's status as waitpid(2) reports it; the W* macros of <bits/waitstatus.h>.
struct WaitStatus {
    let raw: Int32

    /// The status a shell would give: the exit code, or 128 + the signal that killed it.
    var shellCode: Int32 {
        let signal = raw & 0x7F              // WTERMSIG
        if signal == 0 { return (raw >> 8) & 0xFF }  // WIFEXITED, WEXITSTATUS
        return 128 + signal
    }
}

/// Reaps every child that has already exited, without blocking, and hands each to `body`.
/// One SIGCHLD can stand for many exits (standard signals do not queue, signal(7)), so
/// this loops until waitpid(2) reports no more: 0 (children left, none exited) or ECHILD.
func reapExitedChildren(_ body: (_ pid: Int32, _ status: WaitStatus) -> Void) {
    while true {
        var status: Int32 = 0
        let pid = waitpid(-1, &status, waitNoHang)
        if pid > 0 {
            body(pid, WaitStatus(raw: status))
        } else if pid < 0 && errno == Errno.interrupted {
            continue
        } else {
            return  // 0, ECHILD, or an error waitpid cannot really return here
        }
    }
}
