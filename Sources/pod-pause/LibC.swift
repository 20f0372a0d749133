// The libc functions pause and init call, declared by hand (Embedded Swift has no Glibc
// module). Signatures follow the man pages; pointers to C structs are raw pointers.
// None of these is variadic: calling a variadic C function through a non-variadic
// declaration is not ABI-safe, which is why prctl(2), ioctl(2) and open(2) are absent.

@_extern(c, "read") func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int
@_extern(c, "write") func write(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int
@_extern(c, "poll") func poll(_ fds: UnsafeMutableRawPointer?, _ count: UInt, _ timeoutMS: Int32) -> Int32
@_extern(c, "strlen") func strlen(_ string: UnsafePointer<CChar>) -> Int
@_extern(c, "strerror") func strerror(_ number: Int32) -> UnsafePointer<CChar>?
@_extern(c, "__errno_location") func errnoLocation() -> UnsafeMutablePointer<Int32>

@_extern(c, "sigfillset") func sigfillset(_ set: UnsafeMutableRawPointer?) -> Int32
@_extern(c, "sigprocmask") func sigprocmask(_ how: Int32, _ set: UnsafeRawPointer?, _ old: UnsafeMutableRawPointer?) -> Int32
@_extern(c, "signalfd") func signalfd(_ fd: Int32, _ mask: UnsafeRawPointer?, _ flags: Int32) -> Int32
/// `handler` nil is SIG_DFL (<bits/signum-generic.h>: `((__sighandler_t) 0)`).
@_extern(c, "signal") func signal(_ number: Int32, _ handler: UnsafeRawPointer?) -> UnsafeRawPointer?

@_extern(c, "getpid") func getpid() -> Int32
@_extern(c, "fork") func fork() -> Int32
@_extern(c, "execv") func execv(_ path: UnsafePointer<CChar>, _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Int32
@_extern(c, "waitpid") func waitpid(_ pid: Int32, _ status: UnsafeMutablePointer<Int32>?, _ options: Int32) -> Int32
@_extern(c, "kill") func kill(_ pid: Int32, _ number: Int32) -> Int32
@_extern(c, "setpgid") func setpgid(_ pid: Int32, _ group: Int32) -> Int32
@_extern(c, "isatty") func isatty(_ fd: Int32) -> Int32
@_extern(c, "tcsetpgrp") func tcsetpgrp(_ fd: Int32, _ group: Int32) -> Int32
@_extern(c, "_exit") func _exit(_ status: Int32)

var errno: Int32 { errnoLocation().pointee }

/// _exit(2) as Swift's `Never`: a C declaration cannot say that the call does not return.
func exitNow(_ status: Int32) -> Never {
    _exit(status)
    while true {}
}
