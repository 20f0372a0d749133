/// Go's string quoting, where podctl must print a value as Kubernetes prints it.
public enum GoQuote {
    /// Go's `%q` (strconv.Quote), as the API server and kubectl quote a value in messages
    /// and the kubelet's fieldpath.FormatMap quotes label and annotation values: `"` and
    /// `\` escaped, control characters as Go writes them; printable Unicode kept as is.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else if (0x80..<0xA0).contains(scalar.value) {
                    out += "\\u00" + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
