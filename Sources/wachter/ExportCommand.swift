import ArgumentParser
import Foundation
import WachterCore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the credential file a server reads: Dovecot, pure-ftpd, ProFTPD or shadow.",
        discussion: """
            With a format and --output, writes that file; without a format, rewrites every
            target the export configuration names (as happens after each change anyway).
            The file is replaced atomically (a temporary file in the same directory, fsync,
            rename, fsync of the directory), is never world-readable, and is never written
            through a symbolic link. Locked accounts get a hash that cannot match.

            FORMATS:
              dovecot    user:{SCHEME}hash:uid:gid::home::userdb_mail=... (passwd-file)
              pure-ftpd  the passwd file `pure-pw mkdb` reads
              proftpd    ProFTPD's AuthUserFile (ftpasswd format)
              shadow     user:hash lines for `chpasswd -e`

            uid, gid, home, shell and the mail location come from the export configuration
            (--config, else $WACHTER_EXPORTS, else /etc/wachter/exports.toml); where
            --output is one of its targets, that target's owner, group and mode apply.
            See docs/EXPORTS.md.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The format; leave it out to rewrite every configured target.") var format: ExportFormat?
    @Option(help: ArgumentHelp("The file to write.", valueName: "file")) var output: String?
    @Option(help: "Export accounts of this kind instead of the format's usual one (mailbox for dovecot, ftp, ssh for shadow).")
    var kind: AccountKind?
    @Option(help: ArgumentHelp("The export configuration file.", valueName: "path")) var config: String?
    @Flag(help: "Run the target's reload command from the configuration afterwards.") var reload = false

    func validate() throws {
        if format != nil && output == nil {
            throw ValidationError("Give --output FILE with a format, or leave out the format to rewrite every configured target.")
        }
        if format == nil && (output != nil || kind != nil) {
            throw ValidationError(
                "--output and --kind need a format, such as `wachter export dovecot --output /etc/dovecot/users`.")
        }
    }

    func run() throws {
        let path = global.exportsConfigurationPath(config)
        let configuration: ExportConfiguration
        if config == nil && !FileManager.default.fileExists(atPath: path) {
            configuration = ExportConfiguration()
        } else {
            configuration = try ExportConfiguration.load(path: path)
        }
        var targets: [ExportConfiguration.Target]
        if let format, let output {
            var target = configuration.target(forPath: output) ?? ExportConfiguration.Target(format: format, path: output)
            if target.format != format {
                throw ValidationError("\(output) is a \(target.format.rawValue) target in \(path), not \(format.rawValue).")
            }
            target.path = output
            if let kind { target.kind = kind }
            targets = [target]
        } else {
            targets = configuration.targets
            if targets.isEmpty { throw ValidationError("\(path) names no targets; give a format and --output.") }
        }
        let service = try global.services()
        var results: [ExportResult] = []
        var reloadFailed = false
        for target in targets {
            let result = try service.exports.export(target, configuration: configuration, reload: reload || format == nil)
            results.append(result)
            if let outcome = result.reload, !outcome.succeeded {
                reloadFailed = true
                Output.note("Error: \(result.path) was written, but its reload command failed: \(outcome.summary)")
            }
            if !global.json {
                Output.note(
                    "Wrote \(result.accounts) \(result.kind.rawValue) accounts (\(result.locked) locked) to \(result.path).")
            }
        }
        if global.json { try Output.json(results) }
        if reloadFailed { throw ExitCode.failure }
    }
}
