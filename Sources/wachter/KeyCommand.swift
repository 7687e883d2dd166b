import ArgumentParser
import WachterCore

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Rotate the key that encrypts personal data at rest.",
        discussion: """
            The key file ($WACHTER_KEY_FILE, else /etc/wachter/key for root's default store,
            else the store's path with .key appended) holds one key per line; the last one
            encrypts. `key rotate` adds a new key and encrypts every customer field and login
            source anew under it, a few hundred rows per transaction, while the agent runs.
            The old key stays in the file until `key retire`, which first encrypts anew what
            still uses an older key (restart the agents first: each encrypts under the key it
            read at its start) and then removes the keys nothing uses. See docs/PRIVACY.md.
            """,
        subcommands: [Rotate.self, Retire.self])

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate", abstract: "Add a new key and encrypt everything anew under it.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let outcome = try global.services().keys.rotate(keyFile: global.keyFilePath)
            try KeyCommand.print(outcome, json: global.json)
        }
    }

    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retire", abstract: "Remove the older keys that nothing uses any more.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let outcome = try global.services().keys.retire(keyFile: global.keyFilePath)
            try KeyCommand.print(outcome, json: global.json)
        }
    }

    static func print(_ outcome: KeyService.Outcome, json: Bool) throws {
        if json { return try Output.json(outcome) }
        Output.note(
            "Key \(outcome.currentKey) is current; encrypted anew: \(outcome.customers) customers, "
                + "\(outcome.loginSources) login sources.")
        if !outcome.retired.isEmpty { Output.note("Retired keys: \(outcome.retired.joined(separator: ", ")).") }
        for (id, count) in outcome.stillUsing.sorted(by: { $0.key < $1.key }) {
            Output.note(
                "\(count) values still use \(id.isEmpty ? "no key (stored before encryption)" : "key \(id)"); "
                    + "`wachter key retire` encrypts them anew.")
        }
    }
}
