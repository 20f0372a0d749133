import Testing
@testable import PodModel

@Suite struct QuantityTests {
    @Test(arguments: [
        ("500m", 500 as Int64, 1 as Int64), ("1", 1000, 1), ("1.5", 1500, 2), ("0.1", 100, 1), ("1e3", 1_000_000, 1000),
        ("128Mi", 134_217_728_000, 134_217_728), ("1G", 1_000_000_000_000, 1_000_000_000), ("1Ki", 1_024_000, 1024),
        ("2k", 2_000_000, 2000), ("+1", 1000, 1), (".5", 500, 1), ("1E2", 100_000, 100), ("250u", 1, 1), ("0", 0, 0),
    ])
    func parsesAsKubernetesDoes(_ text: String, _ milli: Int64, _ value: Int64) {
        let quantity = Quantity(text)
        #expect(quantity.milliValue == milli)
        #expect(quantity.value == value)
    }

    @Test(arguments: ["", "abc", "1.2.3", "1Kb", "1e", "1e+", "m", "1 Mi", "--1", "1ki", "0x10"])
    func refusesWhatKubernetesRefuses(_ text: String) {
        #expect(Quantity(text).decimal == nil)
    }
}
