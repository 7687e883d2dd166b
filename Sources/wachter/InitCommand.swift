import ArgumentParser
import WachterCore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the store, or bring an existing one's schema up to date.",
        discussion: """
            Creates the SQLite store (mode 0600, in a directory of mode 0700) and applies
            the schema migrations. Running it again on an existing store applies only the
            migrations it lacks and changes nothing else.
            """)

    @OptionGroup var global: GlobalOptions

    struct Result: Encodable {
        var store: String
        var migrations: [String]
    }

    func run() throws {
        let path = global.storePath
        let result = Result(store: path, migrations: try WachterServices.initialize(.init(path: path)))
        if global.json {
            try Output.json(result)
        } else {
            Output.note("Store ready at \(path) (schema \(result.migrations.last ?? "-")).")
        }
    }
}
