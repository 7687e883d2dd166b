import ArgumentParser
import Foundation
import WachterCore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Take over the accounts of an existing Dovecot, shadow, pure-ftpd or ProFTPD file.",
        discussion: """
            Each hash is kept as it is (yescrypt, bcrypt, SHA-crypt, MD5-crypt, DES-crypt:
            whatever libxcrypt checks), so the customers keep their passwords. Passwords that
            are not crypt(3) hashes ({PLAIN}, {SSHA512}, pure-pw's argon2, empty) are refused
            and listed; the other accounts are imported. Hashes below the hashing policy are
            counted, shown as "needs rehash" in `account list`, and replaced at the next
            successful login. An account locked in the file ('!' before the hash) stays locked.

            All or nothing: a malformed line, or a name that exists already, stops the import
            with its line number and changes nothing. --dry-run checks the same and shows
            what would happen.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The file's format: dovecot, shadow, pure-ftpd or proftpd.") var format: ExportFormat
    @Argument(help: "The file to read.") var file: String
    @Option(help: ArgumentHelp("The customer who owns the imported accounts.", valueName: "id")) var customer: String
    @Option(help: "The kind of the imported accounts, if not the format's usual one.") var kind: AccountKind?
    @Flag(help: "Check the file and show what would be imported; change nothing.") var dryRun = false

    func run() throws {
        let data = try FileAccess.read(file, what: "import file")
        let summary = try global.services().imports.importAccounts(
            data, format: format, kind: kind, customerID: customer, source: file, dryRun: dryRun)
        if global.json { return try Output.json(summary) }
        let verb = summary.dryRun ? "Would import" : "Imported"
        print(
            "\(verb) \(summary.imported.count) \(summary.kind.rawValue) accounts for \(summary.customer) (\(summary.locked) locked)."
        )
        print(
            "\(summary.belowPolicy) have a hash below policy; they show as \"needs rehash\" and are replaced at the next login.")
        if !summary.refused.isEmpty {
            print("Refused \(summary.refused.count):")
            for refusal in summary.refused {
                print("  line \(refusal.line): \(refusal.name): \(refusal.reason)")
            }
        }
    }
}
