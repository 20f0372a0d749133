import Testing
@testable import PodRuntime
@testable import PodSupervisor
import PodImage
import PodModel

@Suite struct BackoffTests {
    @Test func firstRestartIsImmediateThenDoublingToTheCap() {
        var backoff = Backoff()
        let delays = (0..<8).map { _ in backoff.delay(afterRunning: 1) }
        #expect(delays == [0, 10, 20, 40, 80, 160, 300, 300])
    }

    @Test func tenMinutesOfCleanRunningStartsOver() {
        var backoff = Backoff()
        _ = backoff.delay(afterRunning: 1)
        _ = backoff.delay(afterRunning: 1)
        #expect(backoff.delay(afterRunning: 601) == 0)
        #expect(backoff.delay(afterRunning: 1) == 10)
    }
}

@Suite struct CommandRuleTests {
    var image: ImageConfig {
        var config = ImageConfig()
        config.entrypoint = ["/entry"]
        config.cmd = ["default"]
        return config
    }
    let env = [EnvEntry(name: "GREETING", value: "hi"), EnvEntry(name: "EMPTY", value: "")]

    func container(command: [String]? = nil, args: [String]? = nil) -> Container {
        var container = Container(name: "c", image: "x")
        container.command = command
        container.args = args
        return container
    }

    @Test func kubernetesCommandAndArgsRules() {
        #expect(RunPlanner.command(container: container(), image: image, env: env) == ["/entry", "default"])
        #expect(RunPlanner.command(container: container(args: ["a"]), image: image, env: env) == ["/entry", "a"])
        #expect(RunPlanner.command(container: container(command: ["sh"]), image: image, env: env) == ["sh"])
        #expect(RunPlanner.command(container: container(command: ["sh"], args: ["-c", "x"]), image: image, env: env) == ["sh", "-c", "x"])
    }

    @Test func variableExpansionAsKubernetesDoes() {
        let values = ["A": "1", "B": ""]
        #expect(Expansion.expand("$(A)-$(B)-$(C)", values) == "1--$(C)")
        #expect(Expansion.expand("$$(A) $$ $", values) == "$(A) $ $")
        #expect(Expansion.expand("$(A", values) == "$(A")
        #expect(RunPlanner.command(container: container(command: ["echo", "$(GREETING)"]), image: image, env: env) == ["echo", "hi"])
    }
}
