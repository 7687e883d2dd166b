import ArgumentParser
import Foundation
import Glibc
import WachterCore

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Move a whole store between SQLite and PostgreSQL.",
        subcommands: [StoreCopyCommand.self])
}

struct StoreCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy every table of one store into another (SQLite to PostgreSQL, or back).",
        discussion: """
            SOURCE and TARGET are store names as --store takes them: a SQLite path or a
            postgresql:// URL (whose password comes from a pgpass file). Every table is copied
            row for row in one transaction on the target, keys, times and the audit chain
            kept, and the copied chain is verified before the copy commits: a failed copy
            leaves the target as it was. The target is created when missing (a SQLite file,
            or Wachter's tables in an existing PostgreSQL database).

            A target that already holds rows is refused unless --replace is given, which
            removes them first (in the same transaction). Stop the agents and the hooks that
            write to the source while copying: what they write meanwhile is not copied.

            EXIT STATUS: 0 copied; 1 an error (nothing was copied); 64 a usage error.
            """)

    @Option(name: .long, help: ArgumentHelp("The store to read.", valueName: "path|url"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("The store to fill.", valueName: "path|url"))
    var to: String

    @Flag(name: .long, help: "Remove what the target holds before copying.")
    var replace = false

    @Flag(name: .long, help: "Print the rows copied per table as JSON.")
    var json = false

    func run() throws {
        let copy = try StoreCopy(from: StoreLocation(from), to: StoreLocation(to))
        let terminal = isatty(STDERR_FILENO) == 1
        let outcome = try copy.run(replace: replace) { table, copied, total in
            guard terminal else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[Kcopying \(table.rawValue): \(copied)/\(total) rows".utf8))
        }
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if json {
            try Output.json(outcome)
        } else {
            let total = outcome.rows.values.reduce(0, +)
            Output.note(
                "Copied \(total) rows from \(try StoreLocation(from)) to \(try StoreLocation(to))\(outcome.replaced ? ", replacing what it held" : "")."
            )
        }
    }
}
