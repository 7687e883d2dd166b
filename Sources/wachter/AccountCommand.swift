import ArgumentParser
import WachterCore

struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Add, list, show and remove customers' logins.",
        discussion: """
            An account is a mailbox (named by its address, such as info@bakkerij.nl), an FTP
            or SSH user (POSIX user-name rules: letters, digits, '.', '_' and '-', at most
            32 characters) or a control-panel login. Names with ':', white space, control
            characters or NUL are refused.
            """,
        subcommands: [Add.self, List.self, Show.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add an account with a typed, piped or generated password.",
            discussion: """
                With --generate, a temporary password is printed once, alone on standard
                output, and must be changed at the first login. Otherwise the password is
                typed at a prompt (twice) or read with --password-stdin, and must meet the
                policy.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account's name: a mailbox address, or a user name.") var name: String
        @Option(help: "The kind of login: mailbox, ftp, ssh or panel.") var kind: AccountKind
        @Option(help: ArgumentHelp("The id of the customer who owns the account.", valueName: "id")) var customer: String
        @Flag(help: "Generate a temporary password and print it once on standard output.") var generate = false
        @OptionGroup var password: PasswordOptions

        func validate() throws {
            if generate && (password.passwordStdin || password.passwordFile != nil) {
                throw ValidationError(
                    "Give either --generate or a password source (--password-stdin, --password-file), not both.")
            }
        }

        func run() throws {
            let service = try global.services()
            let source: PasswordSource = generate ? .generate : .given(try password.read(prompt: "New password: ", confirm: true))
            let (account, generated) = try service.accounts.add(name: name, kind: kind, customerID: customer, password: source)
            if let generated {
                printSecret(generated)
                Output.note(
                    "Added \(account.kind.rawValue) account \(account.name); the password above must be changed at the first login."
                )
            } else if global.json {
                try Output.json(account)
            } else {
                Output.note("Added \(account.kind.rawValue) account \(account.name).")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List accounts.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only accounts of this kind.") var kind: AccountKind?
        @Option(help: ArgumentHelp("Only this customer's accounts.", valueName: "id")) var customer: String?

        func run() throws {
            let service = try global.services()
            let statuses = service.accounts.statuses(try service.accounts.list(kind: kind, customerID: customer))
            if global.json { return try Output.json(statuses) }
            Output.table(
                ["NAME", "KIND", "CUSTOMER", "STATE", "PASSWORD SET", "EXPIRES", "LAST LOGIN", "HASH"],
                statuses.map { status in
                    [
                        status.account.name, status.account.kind.rawValue, status.account.customerID, status.state,
                        Output.date(status.account.passwordSetAt),
                        status.passwordExpires.map { Output.date($0) } ?? "never", Output.date(status.account.lastLogin),
                        (status.hash.method?.rawValue ?? "unknown") + (status.hash.belowPolicy == nil ? "" : " (needs rehash)"),
                    ]
                })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one account.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account's name.") var name: String

        func run() throws {
            let service = try global.services()
            guard let status = service.accounts.statuses([try service.accounts.account(named: name)]).first else { return }
            if global.json { return try Output.json(status) }
            let account = status.account
            print("name:          \(account.name)")
            print("kind:          \(account.kind.rawValue)")
            print("customer:      \(account.customerID)")
            print("state:         \(status.state)")
            print("password set:  \(Output.date(account.passwordSetAt))")
            print("expires:       \(status.passwordExpires.map { Output.date($0) } ?? "never")")
            print("must change:   \(account.mustChange ? "yes" : "no")")
            print(
                "locked:        \(account.locked ? "yes (by the operator)" : account.lockedUntil.map { "until \(Output.date($0))" } ?? "no")"
            )
            print("failures:      \(account.failures)")
            print("last login:    \(Output.date(account.lastLogin))")
            print("hash:          \(status.hash.method?.rawValue ?? "unknown") \(status.hash.cost ?? "")")
            if let reason = status.hash.belowPolicy { print("needs rehash:  \(reason)") }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove an account and its password history.",
            discussion: "Its login events stay until retention removes them.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account's name.") var name: String

        func run() throws {
            try global.services().accounts.remove(named: name)
            Output.note("Removed account \(name).")
        }
    }
}

/// Prints a generated password, alone on standard output, so that a script can capture it.
func printSecret(_ secret: Secret) {
    secret.withBytes { bytes in print(String(decoding: bytes, as: UTF8.self)) }
}
