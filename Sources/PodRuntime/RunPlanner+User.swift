import PodCore
import PodModel
import PodOS

extension RunPlanner {
    struct ResolvedUser {
        let uid: UInt32
        let gid: UInt32
        let groups: [UInt32]
    }

    /// runAsUser/runAsGroup win; else the image's `User` (`name`, `uid`, `name:group`,
    /// `uid:gid`), names looked up in the image's /etc/passwd and /etc/group; a numeric
    /// user not in passwd gets group 0, as container runtimes do.
    func resolveUser(_ container: Container, image: ResolvedImage, checkNonRoot: Bool = true) throws(PodError) -> ResolvedUser {
        let security = effectiveSecurity(container)
        // A CRI run_as_username replaces the image's User, resolved the same way (containerd's WithUsername).
        let userName = userNames[container.name ?? ""]
        let imageUser = userName ?? image.record.config.user ?? ""
        let parts = imageUser.split(separator: ":", maxSplits: 1).map(String.init)
        let passwd = Self.readImageFile("etc/passwd", layers: image.lowerDirs)
        let groupFile = Self.readImageFile("etc/group", layers: image.lowerDirs)
        var uid: UInt32 = 0
        var gid: UInt32?
        if let runAsUser = security.runAsUser {
            uid = UInt32(runAsUser)
            gid = Self.passwdEntry(passwd, matching: String(runAsUser))?.gid
        } else if let userPart = parts.first, !userPart.isEmpty {
            let entry = Self.passwdEntry(passwd, matching: userPart)
            if let number = UInt32(userPart) {
                uid = number
                gid = entry?.gid
            } else if let entry {
                uid = entry.uid
                gid = entry.gid
            } else {
                let what = userName == nil ? "the image's user" : "run_as_username"
                throw PodError(.invalidManifest, "container \"\(container.name ?? "")\": \(what) \"\(userPart)\" is not in the image's /etc/passwd; set securityContext.runAsUser")
            }
        }
        if let runAsGroup = security.runAsGroup { gid = UInt32(runAsGroup) }
        else if parts.count == 2 { gid = UInt32(parts[1]) ?? Self.groupID(groupFile, named: parts[1]) }
        // A pod that reaches planning has passed userWaits; this is the last guard.
        if checkNonRoot, let problem = nonRootProblem(container, user: uid) { throw PodError(.invalidManifest, "CreateContainerConfigError: \(problem)") }
        // The user's groups in the image's /etc/group, then supplementalGroups and fsGroup
        // (Kubernetes' `Merge` policy, containerd's additional GIDs); `Strict` leaves the
        // image's out (KEP-3619).
        let strict = spec.securityContext?.supplementalGroupsPolicy == "Strict" || strictGroups.contains(container.name ?? "")
        let groups = Self.supplementaryGroups(groupFile: groupFile, user: Self.userName(passwd, uid: uid), strict: strict,
                                              given: (spec.securityContext?.supplementalGroups ?? []).map { UInt32($0) },
                                              fsGroup: spec.securityContext?.fsGroup.map { UInt32($0) })
        return ResolvedUser(uid: uid, gid: gid ?? 0, groups: groups)
    }

    /// The user's groups in the image's /etc/group unless `strict`, then the given
    /// supplementalGroups and fsGroup, each once.
    static func supplementaryGroups(groupFile: String, user: String?, strict: Bool, given: [UInt32], fsGroup: UInt32?) -> [UInt32] {
        var groups = strict ? [] : memberships(groupFile, of: user)
        groups += given
        if let fsGroup { groups.append(fsGroup) }
        var seen = Set<UInt32>()
        return groups.filter { seen.insert($0).inserted }
    }

    /// A file of the image: the topmost layer that has it (whiteouts are not followed:
    /// passwd and group are never deleted in practice).
    static func readImageFile(_ path: String, layers: [String]) -> String {
        for layer in layers where Files.exists(layer + "/" + path) {
            return (try? Files.readText(layer + "/" + path)) ?? ""
        }
        return ""
    }

    static func passwdEntry(_ passwd: String, matching user: String) -> (uid: UInt32, gid: UInt32)? {
        for line in passwd.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 4, fields[0] == user || fields[2] == user, let uid = UInt32(fields[2]), let gid = UInt32(fields[3]) else { continue }
            return (uid, gid)
        }
        return nil
    }

    static func userName(_ passwd: String, uid: UInt32) -> String? {
        for line in passwd.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count >= 3, UInt32(fields[2]) == uid { return String(fields[0]) }
        }
        return nil
    }

    /// The groups whose member list (the fourth field) names the user.
    static func memberships(_ groups: String, of user: String?) -> [UInt32] {
        guard let user, !user.isEmpty else { return [] }
        return groups.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 4, fields[3].split(separator: ",").contains(where: { $0 == user }) else { return nil }
            return UInt32(fields[2])
        }
    }

    static func groupID(_ groups: String, named name: String) -> UInt32? {
        for line in groups.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count >= 3, fields[0] == name { return UInt32(fields[2]) }
        }
        return nil
    }
}
