import ArgumentParser
import WachterCore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the store, or bring an existing one's schema up to date.",
        discussion: """
            Creates the SQLite store (mode 0600, in a directory of mode 0700) and applies
            the schema migrations. Running it again on an existing store applies only the
            migrations it lacks and changes nothing else. It also creates the key file that
            encrypts customers' personal data and login sources (mode 0600): $WACHTER_KEY_FILE,
            else /etc/wachter/key for root's default store, else the store's path with .key appended. An
            existing key file is kept, and refused when others can read it (docs/PRIVACY.md).

            With a PostgreSQL URL (--store postgresql://...), creates Wachter's tables in
            the named database, which must exist and belong to the URL's role, or applies
            the migrations they lack. The migrations run under an advisory lock, so that
            several hosts may run `wachter init` at once. Every host of one PostgreSQL store
            needs the same key file: copy it (mode 0600) from the host that made it.
            """)

    @OptionGroup var global: GlobalOptions

    struct Result: Encodable {
        var store: String
        var migrations: [String]
        var keyFile: String
    }

    func run() throws {
        let location = try global.storeLocation()
        let keyFile = global.keyFilePath
        let result = Result(
            store: location.description, migrations: try WachterServices.initialize(location, keyFile: keyFile),
            keyFile: keyFile)
        if global.json {
            try Output.json(result)
        } else {
            Output.note("Store ready at \(location) (schema \(result.migrations.last ?? "-")).")
        }
    }
}
