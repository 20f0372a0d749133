import Foundation
import Glibc

// The only ways the tests wait: on a condition, with a deadline. The short sleeps only
// pace the polling; a fixed sleep never stands in for a condition.

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
public func waitUntil(_ timeout: Duration = .seconds(5), _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        usleep(10_000)
    }
    return try condition()
}

/// Polls `condition` until it holds; throws, naming `what`, when `timeout` seconds pass.
public func waitUntil(_ what: String, timeout: Double, _ condition: () throws -> Bool) throws {
    guard try waitUntil(.milliseconds(Int64(timeout * 1000)), condition) else {
        throw HarnessError("timed out after \(timeout) s waiting for \(what)")
    }
}

/// `waitUntil` for async tests: sleeps on the task, never blocking a cooperative thread.
/// The condition may itself be async (a gRPC call).
public func eventually(within seconds: Double = 30, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return try await condition()
}

/// Whether `condition` holds at every look for `seconds`: an absence (nothing restarts)
/// can only be shown over a window, and a look every few milliseconds ends the window at
/// the first sign of the opposite instead of sleeping through it.
public func holdsThroughout(_ seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
    try await !eventually(within: seconds) { try await !condition() }
}
