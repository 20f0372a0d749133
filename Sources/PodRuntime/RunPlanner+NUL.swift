import PodCore
import PodModel
import PodPlan

extension ContainerPlan {
    /// Refuses a NUL byte in what execve(2) and chdir(2) get. Validation refuses NUL in
    /// every manifest string, but argv, env and the working directory also come from the
    /// image's config and from ConfigMap and Secret values (a Secret's data is binary once
    /// decoded), and a C string ends at its first NUL: the value would be cut short, not
    /// passed. runc fails such an exec with EINVAL; podctl says which one and why (#14).
    /// Values are not echoed: they may be a Secret's.
    func refuseNUL() throws(PodError) {
        func refuse(_ what: String) -> PodError {
            PodError(.invalidManifest, "container \(name): \(what) holds a NUL byte, which no argument, environment variable or path can carry; "
                + "it comes from the image's config or a ConfigMap or Secret value: remove the NUL there, or mount the value as a file instead")
        }
        for (index, argument) in argv.enumerated() where argument.utf8.contains(0) { throw refuse("argument \(index) of the command") }
        for entry in env where entry.utf8.contains(0) {
            let name = String(decoding: entry.utf8.prefix { $0 != UInt8(ascii: "=") }, as: UTF8.self)
            throw refuse("the environment variable \"\(FieldError.printable(name))\"")
        }
        if cwd.utf8.contains(0) { throw refuse("the working directory \"\(FieldError.printable(cwd))\"") }
    }
}
