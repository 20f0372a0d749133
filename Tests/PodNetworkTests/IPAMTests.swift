import Foundation
import PodTestSupport
import Testing
import PodCore
import PodStore
@testable import PodNetwork

@Suite struct IPAMTests {
    let subnet = IPv4Subnet("10.88.0.0/16")!

    @Test func allocatesFromTheThirdAddressAndKeepsAPodsAddress() throws {
        let dir = TemporaryDirectory("podctl-net")
        let ipam = IPAM(directory: dir.path, subnet: subnet)
        #expect(try ipam.allocate(for: key("a")) == IPv4Address("10.88.0.2"))
        #expect(try ipam.allocate(for: key("b")) == IPv4Address("10.88.0.3"))
        // Asking again gives the same address, not a second one.
        #expect(try ipam.allocate(for: key("a")) == IPv4Address("10.88.0.2"))
        #expect(try ipam.leases() == [key("a"): IPv4Address("10.88.0.2")!, key("b"): IPv4Address("10.88.0.3")!])
        // Same name in another namespace is another pod.
        #expect(try ipam.allocate(for: key("a", "other")) == IPv4Address("10.88.0.4"))
    }

    @Test func releaseFreesAndTheAddressComesBackOnlyAfterTheOthers() throws {
        let dir = TemporaryDirectory("podctl-net")
        let ipam = IPAM(directory: dir.path, subnet: IPv4Subnet("192.168.5.0/29")!)  // .2 ... .6
        for name in ["a", "b", "c"] { _ = try ipam.allocate(for: key(name)) }
        #expect(try ipam.release(key("a")) == IPv4Address("192.168.5.2"))
        #expect(try ipam.release(key("a")) == nil)
        #expect(try ipam.address(of: key("a")) == nil)
        // Round-robin: the freed .2 is not reused while later addresses are free.
        #expect(try ipam.allocate(for: key("d")) == IPv4Address("192.168.5.5"))
        #expect(try ipam.allocate(for: key("e")) == IPv4Address("192.168.5.6"))
        #expect(try ipam.allocate(for: key("f")) == IPv4Address("192.168.5.2"))
    }

    @Test func exhaustionIsAClearErrorAndReleaseMakesRoom() throws {
        let dir = TemporaryDirectory("podctl-net")
        let ipam = IPAM(directory: dir.path, subnet: IPv4Subnet("10.1.2.0/29")!)
        #expect(ipam.poolSize == 5)
        var given: Set<IPv4Address> = []
        for index in 0..<5 { given.insert(try ipam.allocate(for: key("p\(index)"))) }
        #expect(given.count == 5)
        // Never the network, the gateway or the broadcast address.
        #expect(given.isDisjoint(with: [IPv4Address("10.1.2.0")!, IPv4Address("10.1.2.1")!, IPv4Address("10.1.2.7")!]))
        let error = #expect(throws: PodError.self) { try ipam.allocate(for: key("p5")) }
        #expect(error?.message.contains("no free address left in the pod subnet 10.1.2.0/29") == true)
        try ipam.release(key("p3"))
        #expect(try ipam.allocate(for: key("p5")) == IPv4Address("10.1.2.5"))
    }

    @Test func reclaimFreesTheLeasesOfPodsThatAreGone() throws {
        let dir = TemporaryDirectory("podctl-net")
        let ipam = IPAM(directory: dir.path, subnet: subnet)
        for name in ["a", "b", "c"] { _ = try ipam.allocate(for: key(name)) }
        let freed = try ipam.reclaim(keeping: [key("b")])
        #expect(freed == [key("a"): IPv4Address("10.88.0.2")!, key("c"): IPv4Address("10.88.0.4")!])
        #expect(try ipam.leases() == [key("b"): IPv4Address("10.88.0.3")!])
        #expect(try ipam.reclaim(keeping: [key("b")]).isEmpty)
    }

    @Test func reclaimKeepsLeasesYoungerThanTheMinimumAge() throws {
        let dir = TemporaryDirectory("podctl-net")
        let ipam = IPAM(directory: dir.path, subnet: subnet)
        _ = try ipam.allocate(for: key("fresh"))
        #expect(try ipam.reclaim(keeping: [], minimumAge: 60).isEmpty, "another apply may have just taken it")
        let taken = try #require(try ipam.leaseTimes()[key("fresh")])
        #expect(abs(taken - Date().timeIntervalSince1970) < 60)
        #expect(try ipam.reclaim(keeping: [], minimumAge: 0) == [key("fresh"): IPv4Address("10.88.0.2")!])
    }

    @Test func leasesPersistInAReadableFile() throws {
        let dir = TemporaryDirectory("podctl-net")
        _ = try IPAM(directory: dir.path, subnet: subnet).allocate(for: key("web"))
        _ = try IPAM(directory: dir.path, subnet: subnet).allocate(for: key("db", "prod"))
        // A new allocator (another process) sees both, and continues after the last.
        let again = IPAM(directory: dir.path, subnet: subnet)
        #expect(try again.leases().count == 2)
        #expect(try again.allocate(for: key("c")) == IPv4Address("10.88.0.4"))
        let text = try String(contentsOfFile: again.leaseFile, encoding: .utf8)
        #expect(text.contains("\"address\" : \"10.88.0.2\""))
        #expect(text.contains("\"namespace\" : \"prod\""))
        #expect(text.contains("\"subnet\" : \"10.88.0.0\\/16\"") || text.contains("\"subnet\" : \"10.88.0.0/16\""))
        let mode = try FileManager.default.attributesOfItem(atPath: again.leaseFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aDamagedFileIsNeverGuessed() throws {
        let dir = TemporaryDirectory("podctl-net")
        let ipam = IPAM(directory: dir.path, subnet: subnet)
        _ = try ipam.allocate(for: key("a"))
        try "{\"subnet\": \"10.88.0.0/16\", \"leases\": [".write(toFile: ipam.leaseFile, atomically: true, encoding: .utf8)
        let error = #expect(throws: PodError.self) { try ipam.allocate(for: key("b")) }
        #expect(error?.code == .corruptState)
        let twice = """
            {"subnet": "10.88.0.0/16", "leases": [{"namespace": "default", "name": "a", "address": "10.88.0.2"},
             {"namespace": "default", "name": "b", "address": "10.88.0.2"}]}
            """
        try twice.write(toFile: ipam.leaseFile, atomically: true, encoding: .utf8)
        #expect(throws: PodError.self) { try ipam.leases() }
    }

    @Test func anotherSubnetIsRefusedWhileLeasesOfTheOldOneExist() throws {
        let dir = TemporaryDirectory("podctl-net")
        _ = try IPAM(directory: dir.path, subnet: subnet).allocate(for: key("a"))
        let moved = IPAM(directory: dir.path, subnet: IPv4Subnet("10.89.0.0/16")!)
        let error = #expect(throws: PodError.self) { try moved.allocate(for: key("b")) }
        #expect(error?.message.contains("PODCTL_SUBNET=10.88.0.0/16") == true)
        try IPAM(directory: dir.path, subnet: subnet).release(key("a"))
        #expect(try moved.allocate(for: key("b")) == IPv4Address("10.89.0.2"))
    }

    @Test func concurrentAllocationsNeverShareAnAddress() async throws {
        let dir = TemporaryDirectory("podctl-net")
        let path = dir.path
        let subnet = IPv4Subnet("10.90.0.0/22")!
        let threads = 6, perThread = 25
        let results = await withTaskGroup(of: [PodKey: IPv4Address].self) { group in
            for thread in 0..<threads {
                group.addTask {
                    await onThread {
                        // A fresh allocator per call: as separate podctl processes would.
                        var mine: [PodKey: IPv4Address] = [:]
                        for index in 0..<perThread {
                            let pod = key("pod-\(thread)-\(index)")
                            if let address = try? IPAM(directory: path, subnet: subnet).allocate(for: pod) { mine[pod] = address }
                        }
                        return mine
                    }
                }
            }
            var all: [PodKey: IPv4Address] = [:]
            for await part in group { all.merge(part) { first, _ in first } }
            return all
        }
        #expect(results.count == threads * perThread)
        #expect(Set(results.values).count == threads * perThread)
        #expect(try IPAM(directory: path, subnet: subnet).leases() == results)
    }
}
