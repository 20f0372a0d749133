@testable import PodSupervisor
import Testing

/// Who may use a supervisor's control socket (ControlPeer): its own user and root.
struct ControlPeerTests {
    @Test func theOwnUserAndRootMayControlAndNoOneElse() {
        #expect(ControlPeer.mayControl(peer: 1000, owner: 1000))
        #expect(ControlPeer.mayControl(peer: 0, owner: 1000))
        #expect(ControlPeer.mayControl(peer: 0, owner: 0))
        #expect(!ControlPeer.mayControl(peer: 1001, owner: 1000))
        #expect(!ControlPeer.mayControl(peer: 1000, owner: 0), "a user may not control root's pods")
    }
}
