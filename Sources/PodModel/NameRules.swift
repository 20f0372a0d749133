/// Name checks for callers outside the model (the store builds paths from names).
public enum NameRules {
    /// Why `name` cannot be a pod name, or nil if it can (RFC 1123 subdomain).
    public static func podNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "a pod name may not be empty" }
        return Names.subdomainErrors(name).first
    }

    /// Why `name` cannot be a namespace, or nil if it can (RFC 1123 label).
    public static func namespaceProblem(_ name: String) -> String? {
        if name.isEmpty { return "a namespace may not be empty" }
        return Names.labelErrors(name).first
    }
}
