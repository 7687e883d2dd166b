import ArgumentParser

/// The `wachter` command: the operator's interface to the credential store.
@main
struct Wachter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wachter",
        abstract: "Keep a hosting business's customer logins as salted hashes, under policy.",
        discussion: """
            Wachter stores every mailbox, FTP, SSH and control-panel password as a salted
            crypt(3) hash (yescrypt by default) in a SQLite or PostgreSQL store, records logins and every
            operator action in a hash-chained audit trail.

            Passwords are never taken from the command line or the environment: they are
            typed at a prompt without echo, or read from standard input with
            --password-stdin, one per line.

            STORE: --store PATH, else $WACHTER_STORE, else /var/lib/wachter/wachter.sqlite
            (root) or ~/.local/share/wachter/wachter.sqlite. The store must not be readable
            by other users; wachter refuses it otherwise. For several servers, give a
            PostgreSQL URL instead (--store postgresql://USER@HOST/DB; the password comes
            from a pgpass file; see docs/POSTGRES.md). `wachter store copy` moves a store
            between the two.

            EXIT STATUS:
              0   success (verify: the password matches)
              1   a runtime error, printed as "Error: ..." on standard error
                  (verify: no match, locked or unknown account)
              64  a usage error: the command line is wrong; the usage is shown
              75  the change was saved, but rewriting an export file, its reload
                  command, or the $WACHTER_CACHE_FLUSH command failed (see
                  docs/EXPORTS.md); the message says which
            """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self,
            StoreCommand.self,
            CustomerCommand.self,
            AccountCommand.self,
            PasswdCommand.self,
            ResetCommand.self,
            LockCommand.self,
            UnlockCommand.self,
            VerifyCommand.self,
            LoginsCommand.self,
            AuditCommand.self,
            KeyCommand.self,
            HostCommand.self,
            PolicyCommand.self,
            ReportCommand.self,
            PruneCommand.self,
            ServeCommand.self,
            HookCommand.self,
            SiteCommand.self,
            ExportCommand.self,
            ImportCommand.self,
        ]
    )

    /// ArgumentParser's own `main()`, and then exit status 75 when an automatic
    /// re-export after the command's change failed (the change itself is saved).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
        if ReExportReporting.failed { exit(withError: ExitCode(75)) }
    }
}
