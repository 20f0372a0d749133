import Foundation
import Testing
import PodStore
import PodTestSupport
@testable import PodNetwork

/// `allocate(for:preferring:)`: restore gives a pod whose lease was lost the address it
/// had before the reboot, when that address is still free.
@Suite struct IPAMPreferenceTests {
    let subnet = IPv4Subnet("192.168.5.0/29")!  // pods get .2 ... .6

    @Test func aFreePreferredAddressIsGivenAndAHeldLeaseWins() throws {
        let dir = TemporaryDirectory("podctl-net")
        let ipam = IPAM(directory: dir.path, subnet: subnet)
        #expect(try ipam.allocate(for: key("a"), preferring: IPv4Address("192.168.5.5")) == IPv4Address("192.168.5.5"))
        // The pod's own lease is kept whatever it prefers.
        #expect(try ipam.allocate(for: key("a"), preferring: IPv4Address("192.168.5.3")) == IPv4Address("192.168.5.5"))
    }

    @Test func aTakenOrForeignPreferenceFallsBackToTheNextFreeAddress() throws {
        let dir = TemporaryDirectory("podctl-net")
        let ipam = IPAM(directory: dir.path, subnet: subnet)
        #expect(try ipam.allocate(for: key("a")) == IPv4Address("192.168.5.2"))
        #expect(try ipam.allocate(for: key("b"), preferring: IPv4Address("192.168.5.2")) == IPv4Address("192.168.5.3"))
        for outside in ["192.168.5.1", "192.168.5.7", "10.0.0.9"] {
            let pod = key("c" + outside.replacingOccurrences(of: ".", with: ""))
            let given = try ipam.allocate(for: pod, preferring: IPv4Address(outside))
            #expect(given != IPv4Address(outside), "the gateway, broadcast and other subnets are never given")
            try ipam.release(pod)
        }
    }
}
