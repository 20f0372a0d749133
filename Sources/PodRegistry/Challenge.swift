/// A `WWW-Authenticate` challenge (RFC 7235): a scheme and its parameters, as a registry
/// sends it with a 401 (distribution's token.md: `Bearer realm="…",service="…",scope="…"`).
struct Challenge: Equatable {
    var scheme: String
    var parameters: [String: String]

    /// The challenges of one header value. Quoted values may hold commas (a scope of
    /// `pull,push`), so this walks the text rather than splitting it.
    static func parse(_ header: String) -> [Challenge] {
        var result: [Challenge] = []
        let characters = Array(header)
        var index = 0
        func skipSpaces() { while index < characters.count && (characters[index] == " " || characters[index] == ",") { index += 1 } }
        func token() -> String {
            let start = index
            while index < characters.count && !" =,\"".contains(characters[index]) { index += 1 }
            return String(characters[start..<index])
        }
        while index < characters.count {
            skipSpaces()
            let word = token()
            guard !word.isEmpty else { index += 1; continue }
            if index < characters.count && characters[index] == "=" {
                // A parameter of the current challenge.
                index += 1
                var value = ""
                if index < characters.count && characters[index] == "\"" {
                    index += 1
                    while index < characters.count && characters[index] != "\"" {
                        if characters[index] == "\\" && index + 1 < characters.count { index += 1 }
                        value.append(characters[index])
                        index += 1
                    }
                    index += 1
                } else {
                    value = token()
                }
                if !result.isEmpty { result[result.count - 1].parameters[word.lowercased()] = value }
            } else {
                result.append(Challenge(scheme: word.lowercased(), parameters: [:]))
            }
        }
        return result
    }
}
