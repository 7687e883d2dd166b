import ArgumentParser
import Foundation
import WachterCore

/// `wachter site`: the hosted sites and their TLS certificates.
struct SiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Register hosted sites and check their TLS certificates.",
        discussion: "docs/TLS.md lists the problem codes, the verdicts and the exit codes.",
        subcommands: [Add.self, List.self, Remove.self, EndpointCommand.self, SiteCheckCommand.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Register a site for certificate checks.",
            discussion: """
                DOMAIN is checked over SNI at --connect HOST:PORT, or at the domain itself on port
                443. --starttls imap|pop3|smtp|ftp makes it a mail or FTP endpoint that starts TLS
                with a command (default port 143, 110, 587 or 21); implicit TLS (993, 995, 465)
                needs only --connect. `wachter site endpoint add` adds more endpoints, such as
                IMAP on 143 beside the web server. --cert-file and --key-file name the files
                the server uses, so that the check also compares them with what is served;
                with --no-connect, only those files are checked (a site that is not live yet,
                or a daemon that reads them from disk). An internationalised domain is stored
                in punycode.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The site's domain, such as www.bakkerij-jansen.nl.") var domain: String
        @Option(help: ArgumentHelp("The id of the customer who owns the site.", valueName: "id")) var customer: String
        @Option(help: ArgumentHelp("Where to connect instead of the domain on port 443.", valueName: "host:port")) var connect:
            String?
        @Option(help: ArgumentHelp("Speak this before TLS: imap, pop3, smtp or ftp.", valueName: "protocol"))
        var starttls: String?
        @Flag(help: "Check only the certificate and key files, without a connection.") var noConnect = false
        @Option(help: ArgumentHelp("The certificate file the web server uses.", valueName: "path")) var certFile: String?
        @Option(help: ArgumentHelp("The key file the web server uses.", valueName: "path")) var keyFile: String?

        func validate() throws {
            if (certFile == nil) != (keyFile == nil) {
                throw ValidationError(
                    "Give --cert-file and --key-file together: the check compares the key with the certificate.")
            }
            if let starttls, !SiteEndpoint.starttlsProtocols.contains(starttls) {
                throw ValidationError("--starttls must be imap, pop3, smtp or ftp, not '\(starttls)'.")
            }
            if noConnect && (certFile == nil || connect != nil || starttls != nil) {
                throw ValidationError(
                    "--no-connect checks files alone: give --cert-file and --key-file, and no --connect or --starttls.")
            }
        }

        func run() throws {
            let site = try global.services().sites.add(
                domain: domain, customerID: customer, connect: connect, starttls: starttls, filesOnly: noConnect,
                certFile: certFile, keyFile: keyFile)
            if global.json { try Output.json(site) } else { Output.note("Added site \(site.domain).") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the sites with their last check's verdict and expiry.")
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
                    site: site, verdict: latest?.verdict.rawValue, checkedAt: latest?.checkedAt, notAfter: latest?.notAfter,
                    problems: latest?.problems.map(\.message) ?? [])
            }
            if global.json { return try Output.json(rows) }
            Output.table(
                ["DOMAIN", "CUSTOMER", "ENDPOINTS", "VERDICT", "CHECKED", "EXPIRES"],
                rows.map { row in
                    [
                        row.site.domain, row.site.customerID, Self.endpoints(row.site), row.verdict ?? "never checked",
                        Output.date(row.checkedAt), Output.date(row.notAfter),
                    ]
                })
        }

        /// `192.0.2.10:443, mail.example.nl:143/imap`, `files only`, or `-` for the domain on 443.
        static func endpoints(_ site: Site) -> String {
            if site.filesOnly { return "files only" }
            if site.endpoints.isEmpty { return "-" }
            return site.endpoints.map { $0.connect + ($0.starttls.map { "/" + $0 } ?? "") }.joined(separator: ", ")
        }
    }

    struct EndpointCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "endpoint", abstract: "Add or remove a site's endpoints (web, mail and FTP servers).",
            subcommands: [AddEndpoint.self, RemoveEndpoint.self])
    }

    struct AddEndpoint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add an endpoint to a site, such as IMAP on 143 beside the web server.",
            discussion: """
                A site registered without --connect keeps its web endpoint (the domain on port 443)
                beside the new one. Without --connect, the endpoint is the domain on the protocol's
                usual port (IMAP 143, POP3 110, SMTP 587, FTP 21).
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The site's domain.") var domain: String
        @Option(help: ArgumentHelp("Where to connect.", valueName: "host:port")) var connect: String?
        @Option(help: ArgumentHelp("Speak this before TLS: imap, pop3, smtp or ftp.", valueName: "protocol"))
        var starttls: String?

        func validate() throws {
            if connect == nil && starttls == nil {
                throw ValidationError("Give --connect HOST:PORT, --starttls PROTOCOL, or both.")
            }
            if let starttls, !SiteEndpoint.starttlsProtocols.contains(starttls) {
                throw ValidationError("--starttls must be imap, pop3, smtp or ftp, not '\(starttls)'.")
            }
        }

        func run() throws {
            let site = try global.services().sites.addEndpoint(domain: domain, connect: connect, starttls: starttls)
            if global.json { try Output.json(site) } else { Output.note("Site \(site.domain): \(List.endpoints(site)).") }
        }
    }

    struct RemoveEndpoint: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove an endpoint from a site.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The site's domain.") var domain: String
        @Option(help: ArgumentHelp("The endpoint to remove.", valueName: "host:port")) var connect: String

        func run() throws {
            try global.services().sites.removeEndpoint(domain: domain, connect: connect)
            Output.note("Removed endpoint \(connect) of \(domain).")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove a site.", discussion: "Its stored checks stay until retention removes them.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The site's domain.") var domain: String

        func run() throws {
            try global.services().sites.remove(domain: domain)
            Output.note("Removed site \(domain).")
        }
    }
}
