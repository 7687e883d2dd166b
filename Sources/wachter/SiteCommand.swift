import ArgumentParser

/// `wachter site`: the hosted sites and their TLS certificates.
struct SiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Check the TLS certificates of hosted sites.",
        discussion: "docs/TLS.md lists the problem codes, the verdicts and the exit codes.",
        subcommands: [SiteCheckCommand.self])
}
