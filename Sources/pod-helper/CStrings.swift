import Glibc

/// A NULL-terminated `char *[]` for execve. Leaked on purpose: the process execs or exits.
func cStringArray(_ strings: [String]) -> [UnsafeMutablePointer<CChar>?] {
    strings.map { strdup($0) } + [nil]
}
