import ArgumentParser
import Foundation
import WachterCore

/// `wachter site`: the hosted sites and their TLS certificates.
struct SiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Register hosted sites and check their TLS certificates.",
        discussion: "docs/TLS.md lists the problem codes, the verdicts and the exit codes.",
        subcommands: [Add.self, List.self, Remove.self, SiteCheckCommand.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a site for certificate checks.",
            discussion: """
                DOMAIN is checked over SNI at --connect HOST:PORT, or at the domain itself on port
                443. --cert-file and --key-file name the files the web server uses, so that the
                check also compares them with what is served. An internationalised domain is
                stored in punycode.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The site's domain, such as www.bakkerij-jansen.nl.") var domain: String
        @Option(help: ArgumentHelp("The id of the customer who owns the site.", valueName: "id")) var customer: String
        @Option(help: ArgumentHelp("Where to connect instead of the domain on port 443.", valueName: "host:port")) var connect:
            String?
        @Option(help: ArgumentHelp("The certificate file the web server uses.", valueName: "path")) var certFile: String?
        @Option(help: ArgumentHelp("The key file the web server uses.", valueName: "path")) var keyFile: String?

        func validate() throws {
            if (certFile == nil) != (keyFile == nil) {
                throw ValidationError(
                    "Give --cert-file and --key-file together: the check compares the key with the certificate.")
            }
        }

        func run() throws {
            let site = try global.services().sites.add(
                domain: domain, customerID: customer, connect: connect, certFile: certFile, keyFile: keyFile)
            if global.json { try Output.json(site) } else { Output.note("Added site \(site.domain).") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the sites with their last check's verdict and expiry.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Only this customer's sites.", valueName: "id")) var customer: String?

        struct Row: Encodable {
            var site: Site
            var verdict: String?
            var checkedAt: Date?
            var notAfter: Date?
            var problems: [String]
        }

        func run() throws {
            let rows = try global.services().sites.list(customerID: customer).map { site, latest in
                Row(
                    site: site, verdict: latest?.verdict, checkedAt: latest?.checkedAt, notAfter: latest?.notAfter,
                    problems: latest?.problems ?? [])
            }
            if global.json { return try Output.json(rows) }
            Output.table(
                ["DOMAIN", "CUSTOMER", "CONNECT", "VERDICT", "CHECKED", "EXPIRES"],
                rows.map { row in
                    [
                        row.site.domain, row.site.customerID, row.site.connect ?? "-", row.verdict ?? "never checked",
                        Output.date(row.checkedAt), Output.date(row.notAfter),
                    ]
                })
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a site.", discussion: "Its stored checks stay until retention removes them.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The site's domain.") var domain: String

        func run() throws {
            try global.services().sites.remove(domain: domain)
            Output.note("Removed site \(domain).")
        }
    }
}
