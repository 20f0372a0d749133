import ArgumentParser

/// The options exec and attach share, as kubectl's: -i, -t, -c, -n.
struct StreamOptions: ParsableArguments {
    @Flag(name: [.customShort("i"), .long], help: "Pass standard input (attach: the container needs stdin: true).")
    var stdin = false

    @Flag(name: .shortAndLong, help: "Standard input is a terminal: raw mode, window size (attach: the container needs tty: true; Ctrl-P Ctrl-Q detaches).")
    var tty = false

    @Option(name: .shortAndLong, help: "The container (default: the kubectl.kubernetes.io/default-container annotation, else the first).")
    var container: String?

    @Option(name: .shortAndLong, help: "The namespace.")
    var namespace: String = "default"
}
