#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PodCore

/// The name rules of `k8s.io/apimachinery/pkg/util/validation`, with its messages.
enum Names {
    // The RFC 1123 rules sit in PodCore, which the store shares (NameRules.swift).
    static let labelMessage = NameRules.labelMessage
    static let subdomainMessage = NameRules.subdomainMessage
    static let envVarMessage = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"
    static let qualifiedNameMessage = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    static let labelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    static let configKeyMessage = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"

    private static func isLowerAlnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
    private static func isAlnum(_ c: UInt8) -> Bool { isLowerAlnum(c) || (c >= 65 && c <= 90) }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private static func isLetter(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 65 && c <= 90) }

    static func labelErrors(_ name: String) -> [String] { NameRules.labelErrors(name) }
    static func subdomainErrors(_ name: String) -> [String] { NameRules.subdomainErrors(name) }

    /// IANA service name, used for port names.
    static func portNameErrors(_ name: String) -> [String] {
        let bytes = Array(name.utf8)
        var errors: [String] = []
        if bytes.count > 15 { errors.append("must be no more than 15 characters") }
        if !bytes.allSatisfy({ isLowerAlnum($0) || $0 == 45 }) {
            errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        }
        if name.contains("--") { errors.append("must not contain consecutive hyphens") }
        if !bytes.contains(where: { $0 >= 97 && $0 <= 122 }) { errors.append("must contain at least one letter (a-z)") }
        if bytes.first == 45 || bytes.last == 45 { errors.append("must not begin or end with a hyphen") }
        return errors
    }

    static func isEnvVarName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, !isDigit(first) else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == 95 || $0 == 45 || $0 == 46 }
    }

    /// `IsConfigMapKey`: at most 253 bytes of `[-._a-zA-Z0-9]`, and not `.`, `..` or
    /// anything starting with `..` (`hasChDirPrefix`): a key becomes a file name in a
    /// volume, beside the AtomicWriter's own `..data` and `..<timestamp>` entries.
    static func configKeyErrors(_ key: String) -> [String] {
        let bytes = Array(key.utf8)
        var errors: [String] = []
        if bytes.count > 253 { errors.append("must be no more than 253 characters") }
        if bytes.isEmpty || !bytes.allSatisfy({ isAlnum($0) || $0 == 95 || $0 == 45 || $0 == 46 }) { errors.append(configKeyMessage) }
        if key == "." { errors.append("must not be '.'") }
        else if key == ".." { errors.append("must not be '..'") }
        else if key.hasPrefix("..") { errors.append("must not start with '..'") }
        return errors
    }

    /// Label and annotation keys: `[prefix/]name`.
    static func qualifiedNameErrors(_ key: String) -> [String] {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var errors: [String] = []
        var name = key
        if parts.count == 2 {
            if parts[0].isEmpty { errors.append("prefix part must be non-empty") }
            else { errors += subdomainErrors(parts[0]).map { "prefix part " + $0 } }
            name = parts[1]
        } else if parts.count > 2 {
            return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        // As apimachinery's IsQualifiedName: the pattern is checked even when the name is
        // empty or too long, so an empty name part gets both messages.
        if name.isEmpty { errors.append("name part must be non-empty") }
        else if name.utf8.count > 63 { errors.append("name part must be no more than 63 characters") }
        if !isQualifiedPart(name) { errors.append(qualifiedNameMessage) }
        return errors
    }

    static func labelValueErrors(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 63 { errors.append("must be no more than 63 characters") }
        if !value.isEmpty && !isQualifiedPart(value) { errors.append(labelValueMessage) }
        return errors
    }

    private static func isQualifiedPart(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last, isAlnum(first), isAlnum(last) else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == 45 || $0 == 95 || $0 == 46 }
    }

    static func isIP(_ text: String) -> Bool { isIPv4(text) || isIPv6(text) }

    static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    /// A relative path with no `..` element, as subPath and volume item paths must be.
    static func relativePathErrors(_ path: String) -> [String] {
        if path.hasPrefix("/") { return ["must be a relative path"] }
        if path.split(separator: "/").contains("..") { return ["must not contain '..'"] }
        return []
    }

    /// ValidateLocalNonReservedPath: a relative path without `..`, not starting with `..`
    /// (the AtomicWriter's own names, `..data` and the versions, start so).
    static func nonReservedPathErrors(_ path: String) -> [String] {
        let errors = relativePathErrors(path)
        return errors.isEmpty && path.hasPrefix("..") ? ["must not start with '..'"] : errors
    }

    /// Linux capability names (capabilities(7)), with or without the `CAP_` prefix.
    static let capabilities: Set<String> = [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
        "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
        "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
        "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
        "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
        "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE", "ALL",
    ]

    static func capabilityName(_ text: String) -> String {
        let upper = text.uppercased()
        return upper.hasPrefix("CAP_") ? String(upper.dropFirst(4)) : upper
    }
}
