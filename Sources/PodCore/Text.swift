/// Text helpers the Foundation-free modules share (the supervisor links no Foundation;
/// docs/architecture.md, D55).
extension StringProtocol {
    /// Without leading and trailing ASCII whitespace (space, tab, CR, LF, VT, FF): what a
    /// kernel file such as `cgroup.procs` or `oom_score_adj` ends its value with.
    public func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { " \t\r\n\u{0B}\u{0C}".contains($0) || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
