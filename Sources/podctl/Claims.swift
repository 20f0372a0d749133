import Foundation
import PodCore
import PodRuntime

/// `get`, `describe` and `delete` of persistentvolumeclaims (#19): the resource words
/// kubectl takes, and what each command prints for claims.
enum ClaimCommands {
    static let types = ["pvc", "pvcs", "persistentvolumeclaim", "persistentvolumeclaims"]

    /// The claim names when `arguments` name claims (`pvc NAME...`, `pvc/NAME`); nil otherwise.
    static func names(_ arguments: [String]) -> [String]? {
        guard let first = arguments.first else { return nil }
        if let slash = first.firstIndex(of: "/"), types.contains(String(first[..<slash])) {
            return arguments.map { String($0.split(separator: "/", maxSplits: 1).last ?? "") }
        }
        return types.contains(first) ? Array(arguments.dropFirst()) : nil
    }

    /// The pod options that mean nothing for claims yet are refused, not silently dropped.
    static func refuseOptions(_ given: [String: Bool]) throws(PodError) {
        let used = given.filter(\.value).keys.sorted()
        guard !used.isEmpty else { return }
        throw PodError(.invalidArgument, "\(used.joined(separator: ", ")): options for pods only; persistentvolumeclaims, configmaps and secrets are shown for one namespace (-n)")
    }

    static func claimViews(_ names: [String], namespace: String, claims: ClaimStore) throws(PodError) -> [ClaimView] {
        let keys = try names.isEmpty
            ? claims.keys().filter { $0.namespace == namespace }
            : names.map { name throws(PodError) in try ClaimKey(namespace: namespace, name: name) }
        return try keys.map { key throws(PodError) in try ClaimView(key: key, claims: claims) }
    }

    static func get(_ names: [String], namespace: String, context: Context) throws(PodError) {
        let views = try claimViews(names, namespace: namespace, claims: ClaimStore(store: context.manager.store))
        if views.isEmpty { return Terminal.standardError("No resources found in \(namespace) namespace.") }
        print(Table.render([ClaimView.header] + views.map(\.row)), terminator: "")
    }

    static func describe(_ names: [String], namespace: String, context: Context) throws(PodError) {
        let claims = ClaimStore(store: context.manager.store)
        let views = try claimViews(names, namespace: namespace, claims: claims)
        print(views.map { $0.describe(dataDirectory: claims.dataDirectory($0.key)) }.joined(separator: "\n"), terminator: "")
    }

    /// Deletes each claim and its data; one in use is refused, naming its pods.
    static func delete(_ names: [String], namespace: String, ignoreNotFound: Bool, context: Context) throws(PodError) {
        let claims = ClaimStore(store: context.manager.store)
        try ConfigCommands.deleteEach(names, resource: "persistentvolumeclaim", ignoreNotFound: ignoreNotFound) { name throws(PodError) in
            try claims.delete(try ClaimKey(namespace: namespace, name: name))
        }
    }
}
