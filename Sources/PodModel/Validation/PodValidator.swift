/// Validation of a defaulted pod with the API server's rules (`ValidatePodCreate` in
/// `pkg/apis/core/validation`), plus the few checks podctl needs that a cluster makes
/// later (a named probe port that does not exist). Every error is collected.
public struct PodValidator {
    var errors: [FieldError] = []
    let pod: Pod
    let spec: PodSpec

    public static func validate(_ pod: Pod) -> [FieldError] {
        var validator = PodValidator(pod: pod, spec: pod.spec ?? PodSpec())
        validator.validateAll()
        return validator.errors
    }

    mutating func add(_ error: FieldError) { errors.append(error) }

    mutating func addEach(_ messages: [String], _ path: FieldPath, _ value: String) {
        for message in messages { add(.invalid(path, quoting: value, message)) }
    }

    private mutating func validateAll() {
        validateMetadata(pod.metadata ?? ObjectMeta(), FieldPath("metadata"))
        guard pod.spec != nil else {
            add(.required(FieldPath("spec")))
            return
        }
        let path = FieldPath("spec")
        let volumeNames = validateVolumes(spec.volumes ?? [], path.child("volumes"))
        validateContainers(volumeNames: volumeNames, path)
        validatePodOptions(path)
        validateDNS(path)
        validatePodSecurityContext(spec.securityContext, path.child("securityContext"))
    }

    private mutating func validateMetadata(_ meta: ObjectMeta, _ path: FieldPath) {
        if let name = meta.name, !name.isEmpty {
            addEach(Names.subdomainErrors(name), path.child("name"), name)
        } else {
            add(.required(path.child("name"), "name or generateName is required"))
        }
        if let namespace = meta.namespace {
            addEach(Names.labelErrors(namespace), path.child("namespace"), namespace)
        }
        for (key, value) in (meta.labels ?? [:]).sorted(by: { $0.key < $1.key }) {
            addEach(Names.qualifiedNameErrors(key), path.child("labels"), key)
            addEach(Names.labelValueErrors(value), path.child("labels"), value)
        }
        var annotationBytes = 0
        for (key, value) in (meta.annotations ?? [:]).sorted(by: { $0.key < $1.key }) {
            addEach(Names.qualifiedNameErrors(key), path.child("annotations"), key)
            annotationBytes += key.utf8.count + value.utf8.count
        }
        if annotationBytes > 256 * 1024 {
            add(FieldError(path: path.child("annotations"), kind: .tooLong, value: nil, detail: "must have at most 262144 bytes"))
        }
    }

    private mutating func validatePodOptions(_ path: FieldPath) {
        let policy = spec.restartPolicy ?? ""
        if !["Always", "OnFailure", "Never"].contains(policy) {
            if policy.isEmpty { add(.required(path.child("restartPolicy"))) }
            else { add(.unsupported(path.child("restartPolicy"), policy, supported: ["Always", "OnFailure", "Never"])) }
        }
        if let grace = spec.terminationGracePeriodSeconds, grace < 0 {
            add(.invalid(path.child("terminationGracePeriodSeconds"), grace, "must be greater than or equal to 0"))
        }
        if let deadline = spec.activeDeadlineSeconds, deadline < 1 || deadline > Int64(Int32.max) {
            add(.invalid(path.child("activeDeadlineSeconds"), deadline, "must be between 1 and 2147483647, inclusive"))
        }
        if let hostname = spec.hostname {
            addEach(Names.labelErrors(hostname), path.child("hostname"), hostname)
        }
        if let subdomain = spec.subdomain {
            addEach(Names.labelErrors(subdomain), path.child("subdomain"), subdomain)
        }
        if spec.shareProcessNamespace == true && spec.hostPID == true {
            add(.invalid(path.child("shareProcessNamespace"), "true", "ShareProcessNamespace and HostPID cannot both be enabled"))
        }
        if spec.hostUsers == false {
            for (flag, name) in [(spec.hostNetwork, "hostNetwork"), (spec.hostPID, "hostPID"), (spec.hostIPC, "hostIPC")] where flag == true {
                add(.forbidden(path.child(name), "when `pod.Spec.HostUsers` is false"))
            }
        }
        if let os = spec.os, os.name != "linux" {
            add(.unsupported(path.child("os").child("name"), os.name ?? "", supported: ["linux"]))
        }
        for (index, alias) in (spec.hostAliases ?? []).enumerated() {
            let aliasPath = path.child("hostAliases").index(index)
            let ip = alias.ip ?? ""
            if !Names.isIP(ip) { add(.invalid(aliasPath.child("ip"), quoting: ip, "must be a valid IP address")) }
            for (nameIndex, hostname) in (alias.hostnames ?? []).enumerated() {
                addEach(Names.subdomainErrors(hostname), aliasPath.child("hostnames").index(nameIndex), hostname)
            }
        }
    }

    private mutating func validateDNS(_ path: FieldPath) {
        let supported = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
        let policy = spec.dnsPolicy ?? ""
        if !supported.contains(policy) {
            add(.unsupported(path.child("dnsPolicy"), policy, supported: supported))
        }
        let configPath = path.child("dnsConfig")
        guard let config = spec.dnsConfig else {
            if policy == "None" { add(.required(configPath, "must provide `dnsConfig` when `dnsPolicy` is None")) }
            return
        }
        let nameservers = config.nameservers ?? []
        if policy == "None" && nameservers.isEmpty {
            add(.required(configPath.child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None"))
        }
        if nameservers.count > 3 {
            add(.invalid(configPath.child("nameservers"), "[\(nameservers.joined(separator: " "))]", "must not have more than 3 nameservers"))
        }
        for (index, server) in nameservers.enumerated() where !Names.isIP(server) {
            add(.invalid(configPath.child("nameservers").index(index), quoting: server, "must be a valid IP address"))
        }
        let searches = config.searches ?? []
        if searches.count > 32 {
            add(.invalid(configPath.child("searches"), "[\(searches.joined(separator: " "))]", "must not have more than 32 search paths"))
        }
        for (index, search) in searches.enumerated() {
            let trimmed = search.hasSuffix(".") ? String(search.dropLast()) : search
            addEach(Names.subdomainErrors(trimmed), configPath.child("searches").index(index), search)
        }
        for (index, option) in (config.options ?? []).enumerated() where (option.name ?? "").isEmpty {
            add(.required(configPath.child("options").index(index).child("name"), "Option.Name must not be empty"))
        }
    }
}
