/// The entry point. Embedded Swift has no `CommandLine`, so the program takes argc and
/// argv as a C function. SwiftPM links every executable with `--defsym main=<module>_main`
/// (so that tests can link the module), hence the name: module `pod_pause`.
@_cdecl("pod_pause_main")
func podPauseMain(_ argc: Int32, _ argv: Arguments.Vector) -> Int32 {
    let arguments = Arguments(count: Int(argc), vector: argv)
    // One binary, two roles: products pod-pause and pod-init are this same program, and
    // whoever starts it as init passes argv[0] "pod-init" (a basename or a path).
    if arguments.programName(is: "pod-init") { return Init.run(arguments) }
    return Pause.run(arguments)
}

/// "`name` (podctl <version>)" on stdout; exit status 0.
func printVersion(_ name: StaticString) -> Int32 {
    var message = Message(name)
    message.add(" (podctl 0.1.0)")
    message.print(to: 1)
    return 0
}
