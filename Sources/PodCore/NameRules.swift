/// The RFC 1123 name rules of `k8s.io/apimachinery/pkg/util/validation`, with its
/// messages. They live here, below both users: the store builds paths from pod names and
/// namespaces (PodStore's `PodKey`), and the model validates manifests with the same
/// rules (PodModel's `Names`); the store sits below the model and knows no manifests.
public enum NameRules {
    public static let labelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    public static let subdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

    /// Why `name` cannot be a pod name, or nil if it can (RFC 1123 subdomain).
    public static func podNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "a pod name may not be empty" }
        return subdomainErrors(name).first
    }

    /// Why `name` cannot be a namespace, or nil if it can (RFC 1123 label).
    public static func namespaceProblem(_ name: String) -> String? {
        if name.isEmpty { return "a namespace may not be empty" }
        return labelErrors(name).first
    }

    /// RFC 1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
    public static func labelErrors(_ name: String) -> [String] {
        var errors: [String] = []
        if name.utf8.count > 63 { errors.append("must be no more than 63 characters") }
        if !isLabel(name) { errors.append(labelMessage) }
        return errors
    }

    public static func isLabel(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last, isLowerAlnum(first), isLowerAlnum(last) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == 45 }
    }

    /// RFC 1123 subdomain: dot-separated labels, at most 253 characters.
    public static func subdomainErrors(_ name: String) -> [String] {
        var errors: [String] = []
        if name.utf8.count > 253 { errors.append("must be no more than 253 characters") }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        if parts.isEmpty || !parts.allSatisfy({ isLabel(String($0)) }) { errors.append(subdomainMessage) }
        return errors
    }

    private static func isLowerAlnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
}
