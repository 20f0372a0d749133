import Testing
@testable import PodSupervisor

/// When a restarted container's last writable layer is removed: a moment after the
/// restart, once per path, never before its time.
struct LayerRemovalTests {
    @Test func aLayerSetAsideIsDueAfterTheDelayAndOnlyOnce() {
        var removal = LayerRemoval()
        removal.schedule("/c/web/upper.previous", now: 100)
        removal.schedule("/c/web/work.previous", now: 100.5)
        #expect(removal.nextDeadline == 100 + LayerRemoval.delay)
        #expect(removal.due(now: 100.9).isEmpty)
        #expect(removal.due(now: 101) == ["/c/web/upper.previous"])
        #expect(removal.due(now: 101.2).isEmpty)
        #expect(removal.nextDeadline == 100.5 + LayerRemoval.delay)
        #expect(removal.due(now: 200) == ["/c/web/work.previous"])
        #expect(removal.nextDeadline == nil)
    }

    @Test func schedulingAPathAgainMovesItsTimeAndKeepsOneEntry() {
        var removal = LayerRemoval()
        removal.schedule("/c/web/upper.previous", now: 100)
        removal.schedule("/c/web/upper.previous", now: 110)
        #expect(removal.pending.count == 1)
        #expect(removal.due(now: 105).isEmpty)
        #expect(removal.due(now: 111) == ["/c/web/upper.previous"])
    }

    @Test func theAsideNameIsOnePerLayer() {
        #expect(LayerRemoval.asidePath("/c/web/upper") == "/c/web/upper.previous")
    }
}
