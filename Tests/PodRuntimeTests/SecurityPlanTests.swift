import PodLaunch
@testable import PodModel
import PodSecurity
@testable import PodRuntime
import Testing

/// How the run planner reads a security context (no root needed).
@Suite struct SecurityPlanTests {
    @Test func theSecurityContextBecomesARequest() {
        var context = SecurityContext()
        #expect(RunPlanner.securityRequest(context).seccomp == .runtimeDefault)
        context.privileged = true
        context.capabilities = Capabilities(add: ["NET_ADMIN"], drop: ["CHOWN"])
        context.allowPrivilegeEscalation = true
        context.procMount = "Unmasked"
        context.seccompProfile = SeccompProfile(type: "Localhost", localhostProfile: "a/b.json")
        let request = RunPlanner.securityRequest(context)
        #expect(request.privileged && request.unmaskedProc && request.allowPrivilegeEscalation == true)
        #expect(request.add == ["NET_ADMIN"] && request.drop == ["CHOWN"])
        #expect(request.seccomp == .localhost("a/b.json"))
        context.seccompProfile = SeccompProfile(type: "Unconfined", localhostProfile: nil)
        #expect(RunPlanner.securityRequest(context).seccomp == .unconfined)
    }

    @Test func theImageGroupsOfTheUserAreFound() {
        let passwd = "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
        let group = "root:x:0:\nwheel:x:10:root,app\nstaff:x:50:other\naudio:x:29:app\n"
        #expect(RunPlanner.userName(passwd, uid: 1000) == "app")
        #expect(RunPlanner.userName(passwd, uid: 7) == nil)
        #expect(RunPlanner.memberships(group, of: "app") == [10, 29])
        #expect(RunPlanner.memberships(group, of: nil) == [])
    }
}
