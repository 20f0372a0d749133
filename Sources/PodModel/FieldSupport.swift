/// What podctl does with every field of the Pod API it knows: the source of truth for
/// `docs/pod-spec.md` (a test renders this table and compares it with the doc) and for
/// the decoder's verdict on a field the model does not read.
public struct FieldSupport: Sendable {
    public enum Status: String, Sendable {
        /// Read, defaulted and validated as the API server does.
        case supported
        /// Read, with limits the note states.
        case partial
        /// Accepted with a warning: it means nothing on one host (scheduling, service accounts).
        case ignored
        /// Accepted without a word: set by the server, not the user (`status`, `uid`).
        case serverSet = "server-set"
        /// Refused with an error naming it: podctl would not honour it.
        case notYet = "not yet"
    }

    public let type: String
    public let field: String
    public let status: Status
    public let note: String

    init(_ type: String, _ field: String, _ status: Status, _ note: String = "") {
        self.type = type
        self.field = field
        self.status = status
        self.note = note
    }

    public static func lookup(type: String, field: String) -> FieldSupport? {
        table.first { $0.type == type && $0.field == field }
    }
}

extension FieldSupport {
    static let scheduling = "no scheduler: podctl runs every pod on this host"

    /// Every known field, grouped by the API type that holds it.
    public static let table: [FieldSupport] = pod + meta + podSpec + container + containerParts
        + volumes + probes + security + configObjects + claims

    static let pod: [FieldSupport] = [
        .init("Pod", "apiVersion", .supported, "must be `v1`"),
        .init("Pod", "kind", .supported, "`Pod`; a file may also hold `List`, `ConfigMap`, `Secret`"),
        .init("Pod", "metadata", .supported),
        .init("Pod", "spec", .supported),
        .init("Pod", "status", .serverSet, "podctl reports status; input status is dropped"),
    ]

    static let meta: [FieldSupport] = [
        .init("ObjectMeta", "name", .supported, "DNS-1123 subdomain"),
        .init("ObjectMeta", "namespace", .supported, "default `default`; pods are keyed by namespace and name"),
        .init("ObjectMeta", "labels", .supported),
        .init("ObjectMeta", "annotations", .supported),
        .init("ObjectMeta", "generateName", .notYet, "give `metadata.name`: apply is declarative"),
        .init("ObjectMeta", "ownerReferences", .ignored, "no garbage collector on one host"),
        .init("ObjectMeta", "finalizers", .ignored, "no controllers on one host"),
        .init("ObjectMeta", "uid", .serverSet),
        .init("ObjectMeta", "resourceVersion", .serverSet),
        .init("ObjectMeta", "generation", .serverSet),
        .init("ObjectMeta", "creationTimestamp", .serverSet),
        .init("ObjectMeta", "deletionTimestamp", .serverSet),
        .init("ObjectMeta", "deletionGracePeriodSeconds", .serverSet),
        .init("ObjectMeta", "managedFields", .serverSet),
        .init("ObjectMeta", "selfLink", .serverSet),
    ]

    static let podSpec: [FieldSupport] = [
        .init("PodSpec", "containers", .supported),
        .init("PodSpec", "initContainers", .supported, "sidecars (`restartPolicy: Always`) included"),
        .init("PodSpec", "restartPolicy", .supported, "default `Always`; under `OnFailure`/`Never` a pod whose regular containers are done completes: sidecars stopped, then the sandbox"),
        .init("PodSpec", "terminationGracePeriodSeconds", .supported, "default 30"),
        .init("PodSpec", "activeDeadlineSeconds", .supported, "from the pod's start; then Failed, `DeadlineExceeded`, every container stopped"),
        .init("PodSpec", "hostname", .supported, "default: the pod name"),
        .init("PodSpec", "subdomain", .supported),
        .init("PodSpec", "shareProcessNamespace", .supported),
        .init("PodSpec", "hostNetwork", .supported),
        .init("PodSpec", "hostPID", .supported, "the pod keeps the host's PID namespace: pause and each init are not PID 1, containers see the host's processes; refused for a non-root user's pod"),
        .init("PodSpec", "hostIPC", .supported, "the pod keeps the host's IPC namespace (System V IPC, POSIX message queues); `/dev/shm` stays the pod's own tmpfs; refused for a non-root user's pod"),
        .init("PodSpec", "hostUsers", .supported, "`false`: the pod's own user namespace, a block of 65536 host IDs from `/etc/subuid` (docs/security.md)"),
        .init("PodSpec", "hostAliases", .supported),
        .init("PodSpec", "dnsPolicy", .partial, "default `ClusterFirst`: the bridge's DNS responder (pod names), other names forwarded to the host's resolvers; `ClusterFirstWithHostNet` and `ClusterFirst` on the host's network are `Default` (docs/network.md, \"Names\")"),
        .init("PodSpec", "dnsConfig", .supported),
        .init("PodSpec", "volumes", .supported, "emptyDir, hostPath, configMap, secret"),
        .init("PodSpec", "securityContext", .supported),
        .init("PodSpec", "os", .partial, "only `linux`"),
        .init("PodSpec", "nodeName", .ignored, scheduling),
        .init("PodSpec", "nodeSelector", .ignored, scheduling),
        .init("PodSpec", "affinity", .ignored, scheduling),
        .init("PodSpec", "tolerations", .ignored, scheduling),
        .init("PodSpec", "topologySpreadConstraints", .ignored, scheduling),
        .init("PodSpec", "schedulerName", .ignored, scheduling),
        .init("PodSpec", "schedulingGates", .ignored, scheduling),
        .init("PodSpec", "priority", .ignored, scheduling),
        .init("PodSpec", "priorityClassName", .ignored, scheduling),
        .init("PodSpec", "preemptionPolicy", .ignored, scheduling),
        .init("PodSpec", "serviceAccountName", .ignored, "no API server: no service account token is mounted"),
        .init("PodSpec", "serviceAccount", .ignored, "no API server: no service account token is mounted"),
        .init("PodSpec", "automountServiceAccountToken", .ignored, "no API server: no service account token is mounted"),
        .init("PodSpec", "enableServiceLinks", .ignored, "no Services on one host: no service environment variables"),
        .init("PodSpec", "imagePullSecrets", .ignored, "not in scope on a single host: there is no Secrets API to hold registry credentials; pulls use `podctl login` and the auth files users already have (docs/images.md)"),
        .init("PodSpec", "readinessGates", .notYet),
        .init("PodSpec", "runtimeClassName", .notYet),
        .init("PodSpec", "overhead", .notYet),
        .init("PodSpec", "setHostnameAsFQDN", .notYet),
        .init("PodSpec", "ephemeralContainers", .notYet, "use `podctl exec`"),
        .init("PodSpec", "resourceClaims", .notYet),
        .init("PodSpec", "resources", .notYet, "pod-level resources; give them per container"),
        .init("PodSpec", "hostnameOverride", .notYet),
    ]

    static let container: [FieldSupport] = [
        .init("Container", "name", .supported, "DNS-1123 label, unique in the pod"),
        .init("Container", "image", .supported),
        .init("Container", "imagePullPolicy", .supported, "`Always`, `IfNotPresent`, `Never`; default `Always` for `:latest` or no tag, else `IfNotPresent`; `localhost/` images are never pulled; a failed pull shows `ErrImagePull` / `ImagePullBackOff`, a missing `Never` image `ErrImageNeverPull`; the pod starts once the image is there (docs/images.md)"),
        .init("Container", "command", .supported),
        .init("Container", "args", .supported),
        .init("Container", "workingDir", .supported),
        .init("Container", "env", .supported),
        .init("Container", "envFrom", .supported, "stored ConfigMaps and Secrets (docs/state.md); a missing one waits in `CreateContainerConfigError` until it is stored; read at container start"),
        .init("Container", "ports", .supported),
        .init("Container", "resources", .supported),
        .init("Container", "volumeMounts", .supported),
        .init("Container", "securityContext", .supported),
        .init("Container", "livenessProbe", .supported),
        .init("Container", "readinessProbe", .supported),
        .init("Container", "startupProbe", .supported),
        .init("Container", "lifecycle", .supported),
        .init("Container", "stdin", .supported, "a pipe the supervisor holds; `podctl attach -i` writes into it (docs/runtime.md)"),
        .init("Container", "stdinOnce", .supported, "stdin closes when the first attach session with input ends"),
        .init("Container", "tty", .supported, "a pty from the container's devpts; its output is logged as stdout; `podctl attach -it`"),
        .init("Container", "restartPolicy", .supported, "init containers only: `Always` makes a sidecar"),
        .init("Container", "terminationMessagePath", .supported, "default `/dev/termination-log`"),
        .init("Container", "terminationMessagePolicy", .supported, "default `File`"),
        .init("Container", "volumeDevices", .notYet),
        .init("Container", "resizePolicy", .notYet),
        .init("Container", "restartPolicyRules", .notYet),
    ]

    static let containerParts: [FieldSupport] = [
        .init("ContainerPort", "name", .supported),
        .init("ContainerPort", "containerPort", .supported),
        .init("ContainerPort", "hostPort", .supported),
        .init("ContainerPort", "hostIP", .supported),
        .init("ContainerPort", "protocol", .partial, "TCP and UDP; SCTP is refused"),
        .init("EnvVar", "name", .supported),
        .init("EnvVar", "value", .supported, "`$(VAR)` expansion as Kubernetes does"),
        .init("EnvVar", "valueFrom", .supported),
        .init("EnvVarSource", "fieldRef", .supported),
        .init("EnvVarSource", "configMapKeyRef", .supported, "a stored ConfigMap; a missing one or key waits in `CreateContainerConfigError` with the kubelet's message; read at container start"),
        .init("EnvVarSource", "secretKeyRef", .supported, "a stored Secret; as configMapKeyRef"),
        .init("EnvVarSource", "resourceFieldRef", .supported),
        .init("EnvVarSource", "fileKeyRef", .notYet),
        .init("ObjectFieldSelector", "apiVersion", .supported),
        .init("ObjectFieldSelector", "fieldPath", .supported),
        .init("ResourceFieldSelector", "containerName", .supported),
        .init("ResourceFieldSelector", "resource", .supported),
        .init("ResourceFieldSelector", "divisor", .supported),
        .init("KeySelector", "name", .supported),
        .init("KeySelector", "key", .supported),
        .init("KeySelector", "optional", .supported),
        .init("EnvFromSource", "prefix", .supported),
        .init("EnvFromSource", "configMapRef", .supported),
        .init("EnvFromSource", "secretRef", .supported),
        .init("ObjectReference", "name", .supported),
        .init("ObjectReference", "optional", .supported),
        .init("ResourceRequirements", "limits", .partial, "cpu and memory enforced with cgroups (docs/resources.md); ephemeral-storage validated, not enforced; hugepages-* refused"),
        .init("ResourceRequirements", "requests", .partial, "as limits"),
        .init("ResourceRequirements", "claims", .notYet),
        .init("VolumeMount", "name", .supported),
        .init("VolumeMount", "mountPath", .supported),
        .init("VolumeMount", "subPath", .supported),
        .init("VolumeMount", "readOnly", .supported),
        .init("VolumeMount", "subPathExpr", .notYet),
        .init("VolumeMount", "mountPropagation", .partial, "on hostPath volumes, whose source must then be a shared mount (a slave one too for HostToContainer); Bidirectional needs a privileged container"),
        .init("VolumeMount", "recursiveReadOnly", .supported, "IfPossible is Enabled: Linux 5.12's mount_setattr(2) is required"),
    ]

    static let volumes: [FieldSupport] = [
        .init("Volume", "name", .supported),
        .init("Volume", "emptyDir", .supported),
        .init("Volume", "hostPath", .supported),
        .init("Volume", "configMap", .supported, "a stored ConfigMap, its files swapped in place when it changes (not under a subPath); a missing one keeps the pod ContainerCreating (FailedMount)"),
        .init("Volume", "secret", .supported, "a stored Secret; as configMap"),
        .init("Volume", "downwardAPI", .supported, "label and annotation files updated in place"),
        .init("Volume", "projected", .partial, "configMap, secret and downwardAPI sources"),
        .init("Volume", "persistentVolumeClaim", .partial, "a local directory claim (docs/state.md); a missing claim keeps the pod Pending (Unschedulable) until it is applied"),
    ] + ["nfs", "csi", "ephemeral", "image", "iscsi",
         "gitRepo", "awsElasticBlockStore", "gcePersistentDisk", "azureDisk", "azureFile", "cephfs", "cinder",
         "fc", "flexVolume", "flocker", "glusterfs", "photonPersistentDisk", "portworxVolume", "quobyte",
         "rbd", "scaleIO", "storageos", "vsphereVolume"].map { .init("Volume", $0, .notYet) } + [
        .init("EmptyDirVolumeSource", "medium", .partial, "`\"\"` or `Memory`; `HugePages` refused"),
        .init("EmptyDirVolumeSource", "sizeLimit", .supported),
        .init("HostPathVolumeSource", "path", .supported),
        .init("HostPathVolumeSource", "type", .supported),
        .init("ConfigMapVolumeSource", "name", .supported),
        .init("ConfigMapVolumeSource", "items", .supported),
        .init("ConfigMapVolumeSource", "defaultMode", .supported, "default 0644"),
        .init("ConfigMapVolumeSource", "optional", .supported),
        .init("SecretVolumeSource", "secretName", .supported),
        .init("SecretVolumeSource", "items", .supported),
        .init("SecretVolumeSource", "defaultMode", .supported, "default 0644"),
        .init("SecretVolumeSource", "optional", .supported),
        .init("KeyToPath", "key", .supported),
        .init("KeyToPath", "path", .supported),
        .init("KeyToPath", "mode", .supported),
    ] + downwardAPIVolumes

    static let noTokens = "podctl has no service account tokens: no API server on one host"

    static let downwardAPIVolumes: [FieldSupport] = [
        .init("DownwardAPIVolumeSource", "items", .supported),
        .init("DownwardAPIVolumeSource", "defaultMode", .supported, "default 0644"),
        .init("DownwardAPIVolumeFile", "path", .supported),
        .init("DownwardAPIVolumeFile", "fieldRef", .supported, "metadata name, namespace, uid, labels, annotations"),
        .init("DownwardAPIVolumeFile", "resourceFieldRef", .supported),
        .init("DownwardAPIVolumeFile", "mode", .supported),
        .init("ProjectedVolumeSource", "sources", .supported),
        .init("ProjectedVolumeSource", "defaultMode", .supported, "default 0644"),
        .init("VolumeProjection", "configMap", .supported, "a stored ConfigMap, as a configMap volume"),
        .init("VolumeProjection", "secret", .supported, "a stored Secret, as a secret volume"),
        .init("VolumeProjection", "downwardAPI", .supported),
        .init("VolumeProjection", "serviceAccountToken", .notYet, noTokens),
        .init("VolumeProjection", "clusterTrustBundle", .notYet, "podctl has no ClusterTrustBundles: no API server on one host"),
        .init("VolumeProjection", "podCertificate", .notYet, noTokens),
        .init("ConfigMapProjection", "name", .supported),
        .init("ConfigMapProjection", "items", .supported),
        .init("ConfigMapProjection", "optional", .supported),
        .init("SecretProjection", "name", .supported),
        .init("SecretProjection", "items", .supported),
        .init("SecretProjection", "optional", .supported),
        .init("DownwardAPIProjection", "items", .supported),
    ]

    static let probes: [FieldSupport] = [
        .init("Probe", "exec", .supported),
        .init("Probe", "httpGet", .supported),
        .init("Probe", "tcpSocket", .supported),
        .init("Probe", "grpc", .supported),
        .init("Probe", "initialDelaySeconds", .supported, "default 0"),
        .init("Probe", "timeoutSeconds", .supported, "default 1"),
        .init("Probe", "periodSeconds", .supported, "default 10"),
        .init("Probe", "successThreshold", .supported, "default 1"),
        .init("Probe", "failureThreshold", .supported, "default 3"),
        .init("Probe", "terminationGracePeriodSeconds", .supported),
        .init("ExecAction", "command", .supported),
        .init("HTTPGetAction", "path", .supported, "default `/`"),
        .init("HTTPGetAction", "port", .supported, "number or port name"),
        .init("HTTPGetAction", "host", .supported, "default: the pod IP; an IPv4 address"),
        .init("HTTPGetAction", "scheme", .partial, "`HTTP` (the default); `HTTPS` is refused at apply: podctl has no TLS client yet"),
        .init("HTTPGetAction", "httpHeaders", .supported),
        .init("HTTPHeader", "name", .supported),
        .init("HTTPHeader", "value", .supported),
        .init("TCPSocketAction", "port", .supported),
        .init("TCPSocketAction", "host", .supported, "default: the pod IP; an IPv4 address"),
        .init("GRPCAction", "port", .supported, "h2c to the pod IP, as the kubelet (no TLS)"),
        .init("GRPCAction", "service", .supported),
        .init("Lifecycle", "postStart", .supported),
        .init("Lifecycle", "preStop", .supported),
        .init("Lifecycle", "stopSignal", .notYet),
        .init("LifecycleHandler", "exec", .supported),
        .init("LifecycleHandler", "httpGet", .supported),
        .init("LifecycleHandler", "sleep", .supported),
        .init("LifecycleHandler", "tcpSocket", .notYet, "deprecated in Kubernetes, and the kubelet does not run it"),
        .init("SleepAction", "seconds", .supported),
    ]

    static let security: [FieldSupport] = [
        .init("PodSecurityContext", "runAsUser", .supported),
        .init("PodSecurityContext", "runAsGroup", .supported),
        .init("PodSecurityContext", "runAsNonRoot", .supported, "a container whose user is root waits in `CreateContainerConfigError`"),
        .init("PodSecurityContext", "supplementalGroups", .supported),
        .init("PodSecurityContext", "fsGroup", .supported, "ownership of emptyDir and persistentVolumeClaim volumes"),
        .init("PodSecurityContext", "sysctls", .partial, "the namespaced safe set only"),
        .init("PodSecurityContext", "seccompProfile", .supported, "podctl's default is `RuntimeDefault`"),
        .init("PodSecurityContext", "fsGroupChangePolicy", .notYet),
        .init("PodSecurityContext", "supplementalGroupsPolicy", .supported, "`Strict` leaves out the user's groups in the image's /etc/group"),
        .init("PodSecurityContext", "seLinuxOptions", .notYet),
        .init("PodSecurityContext", "seLinuxChangePolicy", .notYet),
        .init("PodSecurityContext", "appArmorProfile", .notYet),
        .init("PodSecurityContext", "windowsOptions", .ignored, "Linux host"),
        .init("SecurityContext", "capabilities", .supported, "containerd's rules; a non-root user has none in effect (docs/security.md)"),
        .init("SecurityContext", "privileged", .supported),
        .init("SecurityContext", "runAsUser", .supported),
        .init("SecurityContext", "runAsGroup", .supported),
        .init("SecurityContext", "runAsNonRoot", .supported, "as the pod's"),
        .init("SecurityContext", "readOnlyRootFilesystem", .supported),
        .init("SecurityContext", "allowPrivilegeEscalation", .supported, "unset: no_new_privs unless privileged or with CAP_SYS_ADMIN"),
        .init("SecurityContext", "procMount", .supported, "`Unmasked` (with `hostUsers: false`): no masked or read-only paths under /proc"),
        .init("SecurityContext", "seccompProfile", .supported, "`Localhost` profiles in `<root>/seccomp/`"),
        .init("SecurityContext", "seLinuxOptions", .notYet),
        .init("SecurityContext", "appArmorProfile", .notYet),
        .init("SecurityContext", "windowsOptions", .ignored, "Linux host"),
        .init("Capabilities", "add", .supported),
        .init("Capabilities", "drop", .supported),
        .init("SeccompProfile", "type", .supported),
        .init("SeccompProfile", "localhostProfile", .supported),
        .init("Sysctl", "name", .supported),
        .init("Sysctl", "value", .supported),
        .init("PodOSSelector", "name", .supported),
        .init("HostAlias", "ip", .supported),
        .init("HostAlias", "hostnames", .supported),
        .init("PodDNSConfig", "nameservers", .supported),
        .init("PodDNSConfig", "searches", .supported),
        .init("PodDNSConfig", "options", .supported),
        .init("PodDNSConfigOption", "name", .supported),
        .init("PodDNSConfigOption", "value", .supported),
    ]

    static let configObjects: [FieldSupport] = [
        .init("ConfigMap", "apiVersion", .supported),
        .init("ConfigMap", "kind", .supported),
        .init("ConfigMap", "metadata", .supported, "stored per namespace by apply or `podctl create configmap`; at most 1 MiB of data"),
        .init("ConfigMap", "data", .supported),
        .init("ConfigMap", "binaryData", .supported),
        .init("ConfigMap", "immutable", .supported, "its data and the flag can no longer change"),
        .init("Secret", "apiVersion", .supported),
        .init("Secret", "kind", .supported),
        .init("Secret", "metadata", .supported, "stored 0600 per namespace; `get -o yaml` prints `data` base64, as kubectl"),
        .init("Secret", "data", .supported),
        .init("Secret", "stringData", .supported, "merged into `data` when stored"),
        .init("Secret", "type", .supported),
        .init("Secret", "immutable", .supported),
    ]
}

extension FieldSupport {
    /// The table of docs/pod-spec.md, one section per API type, in the order of `table`.
    public static func markdownTable() -> String {
        var text = ""
        var currentType = ""
        for entry in table {
            if entry.type != currentType {
                currentType = entry.type
                text += "\n### \(entry.type)\n\n| field | status | note |\n|---|---|---|\n"
            }
            text += "| `\(entry.field)` | \(entry.status.rawValue) | \(entry.note) |\n"
        }
        return text
    }
}
