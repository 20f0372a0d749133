/// Where podctl keeps its state when no flag or variable names the roots (#18).
///
/// Root keeps `/var/lib/podctl` and `/run/podctl`. Any other user gets the XDG Base
/// Directory specification's per-user directories, as rootless Podman keeps its storage
/// in `$XDG_DATA_HOME/containers` and its run state in `$XDG_RUNTIME_DIR/containers`:
/// persistent state in `$XDG_DATA_HOME/podctl` (default `~/.local/share/podctl`),
/// sockets, pids and locks in `$XDG_RUNTIME_DIR/podctl`. Each user's pods are in their
/// own 0700 directories, so they are invisible to every other user.
///
/// Standard library only: the lean front (`podctl exec`) chooses the run root with it
/// too, without Foundation (D59).
public enum DefaultStateRoots {
    public static let systemRoot = "/var/lib/podctl"
    public static let systemRunRoot = "/run/podctl"

    /// The persistent root for the user `euid`, from its environment.
    public static func root(euid: UInt32, environment: (String) -> String?) throws(PodError) -> String {
        guard euid != 0 else { return systemRoot }
        if let data = absolute(environment("XDG_DATA_HOME")) { return data + "/podctl" }
        if let home = absolute(environment("HOME")) { return home + "/.local/share/podctl" }
        throw PodError(.invalidArgument, """
            cannot place podctl's state for user \(euid): neither XDG_DATA_HOME nor HOME is an absolute path; \
            set HOME (podctl then uses ~/.local/share/podctl), XDG_DATA_HOME, or PODCTL_ROOT
            """)
    }

    /// The runtime root for the user `euid`. Without `XDG_RUNTIME_DIR` there is no place
    /// that is the user's alone and cleared at logout, so podctl refuses to guess one
    /// (a directory in /tmp could be made first by another user).
    public static func runRoot(euid: UInt32, environment: (String) -> String?) throws(PodError) -> String {
        guard euid != 0 else { return systemRunRoot }
        if let runtime = absolute(environment("XDG_RUNTIME_DIR")) { return runtime + "/podctl" }
        throw PodError(.invalidArgument, """
            XDG_RUNTIME_DIR is not set: podctl keeps a non-root user's sockets, pids and locks in \
            $XDG_RUNTIME_DIR/podctl. Log in with a session (ssh, a login shell, or `machinectl shell USER@`: \
            systemd-logind then makes /run/user/\(euid)), or set XDG_RUNTIME_DIR (or PODCTL_RUN_ROOT) \
            to a directory that only you can use
            """)
    }

    /// The variable's path without trailing slashes, or nil when it is unset, empty or
    /// relative. The specification: "If an implementation encounters a relative path in
    /// any of these variables it should consider the path invalid and ignore it."
    static func absolute(_ value: String?) -> String? {
        guard let value, value.hasPrefix("/") else { return nil }
        var path = Substring(value)
        while path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }
}
