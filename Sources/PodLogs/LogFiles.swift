import Glibc
import PodCore
import PodOS

/// Names and listing of a container's log files:
///
///     <pod dir>/logs/<container>/<restart>.log       the file being written
///     <pod dir>/logs/<container>/<restart>.log.1     the newest rotated copy
///     <pod dir>/logs/<container>/<restart>.log.<k>   older ones, up to maxFiles - 1
///
/// The kubelet keeps one file per restart in the same way (`<restart>.log` under
/// `/var/log/pods/<ns>_<pod>_<uid>/<container>/`); rotated copies are numbered, newest
/// first, as logrotate and Docker's json-file driver number theirs.
public enum LogFiles {
    public static func containerDirectory(podDirectory: String, container: String) -> String {
        "\(podDirectory)/logs/\(container)"
    }

    public static func currentName(restart: Int) -> String { "\(restart).log" }

    public static func rotatedName(restart: Int, index: Int) -> String { "\(restart).log.\(index)" }

    /// `(restart, index)` of a log file name, index 0 for the current file; nil for other names.
    public static func parse(_ name: String) -> (restart: Int, index: Int)? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts[1] == "log",
              let restart = decimal(parts[0]) else { return nil }
        if parts.count == 2 { return (restart, 0) }
        guard let index = decimal(parts[2]), index > 0 else { return nil }
        return (restart, index)
    }

    /// Restart numbers that have at least one file, ascending.
    public static func restarts(in directory: String) throws(PodError) -> [Int] {
        Array(Set(try Files.list(directory).compactMap { parse($0)?.restart })).sorted()
    }

    /// Paths of one restart's files in the order they were written: the oldest rotated
    /// copy first, the current file last (when it exists).
    public static func chain(in directory: String, restart: Int) throws(PodError) -> [String] {
        try Files.list(directory)
            .compactMap { name -> (String, Int)? in
                guard let parsed = parse(name), parsed.restart == restart else { return nil }
                return (name, parsed.index)
            }
            .sorted { writeOrder($0.1) < writeOrder($1.1) }
            .map { "\(directory)/\($0.0)" }
    }

    /// Higher rotation indexes are older; the current file (index 0) is the newest.
    private static func writeOrder(_ index: Int) -> Int { index == 0 ? Int.max : -index }

    private static func decimal(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(text)
    }
}
