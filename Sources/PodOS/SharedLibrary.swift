import PodCore

/// A shared library opened on first use rather than at the program's start (D78): CArchive,
/// CCurl and CNftables each have a load function that returns nil once the library is open,
/// or a message naming the library, why dlopen(3) failed and the package to install.
public enum SharedLibrary {
    /// Throws the loader's message: a caller checks before its first call into the library,
    /// so a missing library is an error of the command that needs it, not an abort.
    public static func require(_ loadError: UnsafePointer<CChar>?) throws(PodError) {
        guard let loadError else { return }
        throw PodError(.system, String(cString: loadError))
    }
}
