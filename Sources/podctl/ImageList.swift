import ArgumentParser
import PodCore
import PodImage

struct ImageList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List the images of the store.", aliases: ["list"])

    @Flag(name: .shortAndLong, help: "Print only image IDs.")
    var quiet = false

    @Flag(help: "Add a DIGEST column: the manifest digest.")
    var digests = false

    @Option(name: .shortAndLong, help: ArgumentHelp("json for a machine-readable list.", valueName: "format"))
    var output: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let output, output != "json" { throw ValidationError("--output must be json, not \(output)") }
    }

    func run() throws {
        let (_, store) = try ImageCommand.open(global)
        let images = try store.images()
        if quiet {
            for image in images { print(image.record.id.shortID) }
        } else if output == "json" {
            print(try ImageCommand.json(images.map(Row.init)))
        } else {
            printTable(images)
        }
    }

    private func printTable(_ images: [ImageStore.StoredImage]) {
        var rows = [["IMAGE", "TAG"] + (digests ? ["DIGEST"] : []) + ["ID", "SIZE", "CREATED"]]
        for image in images {
            let names = image.names.isEmpty ? ["<none>:<none>"] : image.names
            for name in names {
                let (repository, tag) = split(name)
                let digest = digests ? [image.record.digest.description] : []
                rows.append([repository, tag] + digest + [image.record.id.shortID, ImageCommand.size(image.record.size), ImageCommand.age(image.record.created)])
            }
        }
        let columns = rows[0].count
        let widths = (0..<columns).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = row.enumerated().map { $0.offset == columns - 1 ? $0.element : $0.element.padding(toLength: widths[$0.offset] + 2, withPad: " ", startingAt: 0) }
            print(cells.joined())
        }
    }

    /// `localhost/busybox:1` → (`localhost/busybox`, `1`): the tag follows the last colon after the last slash.
    private func split(_ name: String) -> (String, String) {
        guard let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") else { return (name, "<none>") }
        return (String(name[..<colon]), String(name[name.index(after: colon)...]))
    }

    struct Row: Encodable {
        let id: String
        let names: [String]
        let digest: String
        let size: Int64
        let created: String?

        init(_ image: ImageStore.StoredImage) {
            id = image.record.id.description
            names = image.names
            digest = image.record.digest.description
            size = image.record.size
            created = image.record.created
        }
    }
}
