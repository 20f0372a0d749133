import ArgumentParser
import Foundation
import Glibc
import PodCore
import PodRegistry

struct Login: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log in to a registry: check the credential and store it for pulls.",
        discussion: """
            The credential is written to $REGISTRY_AUTH_FILE, or $XDG_RUNTIME_DIR/containers/auth.json \
            (/run/containers/UID/auth.json without XDG_RUNTIME_DIR), mode 0600: the file podman login \
            writes, so either tool's login serves both. See docs/images.md.
            """)

    @Argument(help: ArgumentHelp("The registry, HOST[:PORT].", valueName: "registry"))
    var registry: String

    @Option(name: .shortAndLong, help: "The user name.")
    var username: String?

    @Option(name: .shortAndLong, help: "The password (visible to other users in the process list; prefer --password-stdin).")
    var password: String?

    @Flag(help: "Read the password from standard input.")
    var passwordStdin = false

    func run() throws {
        let host = try RegistryLogin.normalize(registry)
        let user = try username ?? Login.prompt("Username: ")
        let secret: String
        if passwordStdin {
            secret = (readLine(strippingNewline: true) ?? "")
        } else if let password {
            secret = password
        } else {
            guard isatty(0) == 1, let entered = getpass("Password: ") else {
                throw PodError(.invalidArgument, "no password: give --password-stdin (or -p) when standard input is not a terminal")
            }
            secret = String(cString: entered)
        }
        guard !user.isEmpty, !secret.isEmpty else { throw PodError(.invalidArgument, "the user name and the password must not be empty") }
        let credential = Credential(username: user, password: secret)
        try RegistryLogin.verify(host, credential: credential, hosts: try RegistryHosts.fromEnvironment())
        let files = AuthFiles.fromEnvironment()
        try files.store(credential, for: host)
        print("Login Succeeded!")
    }

    static func prompt(_ text: String) throws(PodError) -> String {
        guard isatty(0) == 1 else { throw PodError(.invalidArgument, "no user name: give --username when standard input is not a terminal") }
        FileHandle.standardError.write(Data(text.utf8))
        return readLine(strippingNewline: true) ?? ""
    }
}

struct Logout: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logout", abstract: "Remove the stored credential of a registry.")

    @Argument(help: ArgumentHelp("The registry, HOST[:PORT].", valueName: "registry"))
    var registry: String

    func run() throws {
        let host = try RegistryLogin.normalize(registry)
        let files = AuthFiles.fromEnvironment()
        guard try files.remove(host) else {
            throw PodError(.notFound, "not logged in to \(host) (no entry in \(files.writable))")
        }
        print("Removed login credentials for \(host)")
    }
}
