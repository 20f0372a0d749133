/// Text helpers the Foundation-free modules share (the supervisor links no Foundation;
/// docs/architecture.md, D55).
extension StringProtocol {
    /// Without leading and trailing ASCII whitespace (space, tab, CR, LF, VT, FF): what a
    /// kernel file such as `cpuacct.usage` or `oom_score_adj` ends its value with.
    public func trimmingWhitespace() -> String {
        // Characters, not scalars: "\r\n" is one Character in Swift, so it is listed too.
        let isSpace: (Character) -> Bool = {
            switch $0 {
            case " ", "\t", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}": true
            default: false
            }
        }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
