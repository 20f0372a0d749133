import CPodShim
import Glibc
import PodPlan

/// Who may use a supervisor's control socket: the user the supervisor runs as, and root.
/// The socket lives in directories only that user can enter (D64), so this is a second
/// wall: a directory mode loosened by hand must not hand one user's pods (stop, attach,
/// add containers) to another. The credentials are those the peer had at connect(2)
/// (SO_PEERCRED, unix(7)), which it cannot forge or change afterwards.
enum ControlPeer {
    static func mayControl(peer: uid_t, owner: uid_t) -> Bool {
        peer == 0 || peer == owner
    }

    /// The reply that turns the peer of `client` away, or nil when it may go on.
    static func refusal(_ client: Int32, owner: uid_t = geteuid()) -> ControlReply? {
        var peer: UInt32 = 0
        guard podshim_peer_uid(client, &peer) == 0 else {
            return ControlReply(ok: false, message: "cannot read the credentials of the connection (SO_PEERCRED): \(String(cString: strerror(errno)))")
        }
        guard mayControl(peer: peer, owner: owner) else {
            return ControlReply(ok: false, message: "permission denied: this pod's supervisor answers only its own user (UID \(owner)) and root, not UID \(peer)")
        }
        return nil
    }
}
