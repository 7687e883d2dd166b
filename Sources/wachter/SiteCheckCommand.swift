import ArgumentParser
import Foundation
import Logging
import WachterCore
import WachterTLS

#if canImport(Glibc)
    import Glibc
#endif

/// `wachter site check`: checks that sites serve a healthy TLS certificate, and that
/// their certificate and key files on disk are sound.
struct SiteCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the TLS certificates that sites serve, and their files on disk.",
        discussion: """
            Connects to each site (the domain on port 443, or --connect HOST:PORT), runs a
            TLS handshake with SNI set to the domain, and verifies the served chain against
            the system trust store (or --ca-file) with the domain as the expected host
            name: dates, subjectAltName (RFC 6125; a common name alone never matches),
            chain, key size and signature digest. With --cert-file and --key-file it also
            checks the files the web server uses, and whether they are what it serves.

            Mail and FTP servers: --starttls imap|pop3|smtp|ftp speaks the protocol's
            greeting and STARTTLS command (IMAP STARTTLS, POP3 STLS, SMTP EHLO and
            STARTTLS, FTP AUTH TLS) before the handshake; the default port is then 143,
            110, 587 or 21. Implicit TLS (IMAPS 993, POP3S 995, SMTPS 465) needs only
            --connect HOST:PORT.

            Revocation: the stapled OCSP response, else the OCSP responder named in the
            certificate (bounded by --timeout), else its CRL; answers are verified and
            cached until their next update (--revocation-cache). A revoked certificate is
            critical; a responder that cannot be reached is a warning. A certificate that
            names neither costs no fetch. --no-revocation turns this off.

            --no-connect checks only --cert-file and --key-file, without any connection.

            Every problem has a stable code (docs/TLS.md lists them), such as expired,
            expires-soon, hostname-mismatch, revoked, starttls-not-offered or
            disk-differs-from-served.

            Without domains, every site registered with `wachter site add` is checked, at
            each of its endpoints (`wachter site endpoint add`), with its certificate and
            key file; a files-only site without a connection. A named domain that is
            registered uses those too, unless the command line gives its own --connect,
            --starttls or --no-connect. The results of registered sites are stored for
            `site list` and the weekly report. Domains that are not registered are checked
            all the same, and nothing is stored.

            On a terminal, a progress line on standard error counts the sites done.

            EXIT STATUS (the monitoring-plugin convention, for the worst site):
              0   every site is ok
              1   a warning, such as a certificate that expires within --warn-days
              2   a critical problem
              3   unknown: a site could not be checked (and none is critical)
              64  a usage error
            """
    )

    @Argument(help: ArgumentHelp("The domains to check; every registered site when none is given.", valueName: "domain"))
    var domains: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Connect here instead of to each domain on port 443; SNI stays the domain.", valueName: "host:port"))
    var connect: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Speak this protocol before TLS: imap, pop3, smtp or ftp (default port 143, 110, 587, 21).",
            valueName: "protocol"))
    var starttls: String?

    @Flag(name: .long, help: "Check only --cert-file and --key-file, without any connection.")
    var noConnect = false

    @Flag(name: .long, help: "Do not check whether served certificates are revoked (OCSP, CRL).")
    var noRevocation = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Keep OCSP responses and CRLs here until their next update.",
            discussion: "Default: /var/cache/wachter/revocation for root, else ~/.cache/wachter/revocation.",
            valueName: "dir"))
    var revocationCache: String?

    @Option(name: .long, help: ArgumentHelp("Trust the roots in this PEM bundle instead of the system store.", valueName: "pem"))
    var caFile: String?

    @Option(
        name: .long, help: ArgumentHelp("Also check this certificate file (PEM, leaf first); one domain only.", valueName: "path")
    )
    var certFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Also check that this key file belongs to the certificate; one domain only.", valueName: "path"))
    var keyFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Warn when a certificate expires within this many days.",
            discussion: "Default: the policy's [tls] warn_days (21 as shipped).", valueName: "days"))
    var warnDays: Int?

    @Option(
        name: .long, help: ArgumentHelp("Seconds one site may take to connect and finish the handshake.", valueName: "seconds"))
    var timeout: Double = 10

    @Option(name: .long, help: ArgumentHelp("How many sites to check at a time.", valueName: "n"))
    var concurrency: Int = SiteChecker.defaultConcurrency

    @OptionGroup var global: GlobalOptions
    @OptionGroup var once: OncePerOptions

    /// The parsed `--starttls`, checked by `validate()`.
    private var startTLSProtocol: StartTLSProtocol? { starttls.flatMap(StartTLSProtocol.init(rawValue:)) }

    /// The parsed `--connect`, checked by `validate()`.
    private var endpoint: Endpoint? {
        connect.flatMap { Endpoint(parsing: $0, defaultPort: startTLSProtocol?.defaultPort ?? 443) }
    }

    func validate() throws {
        for domain in domains {
            do {
                _ = try Names.domain(domain)
            } catch {
                throw ValidationError("\(error.message.prefix(1).uppercased())\(error.message.dropFirst()).")
            }
        }
        if let starttls, StartTLSProtocol(rawValue: starttls) == nil {
            throw ValidationError("--starttls must be imap, pop3, smtp or ftp, not '\(starttls)'.")
        }
        if noConnect && (connect != nil || starttls != nil) {
            throw ValidationError("--no-connect checks files alone: leave out --connect and --starttls.")
        }
        if noConnect && certFile == nil && domains.isEmpty {
            throw ValidationError("--no-connect needs --cert-file (and --key-file) and one domain.")
        }
        if let connect, Endpoint(parsing: connect) == nil {
            throw ValidationError("--connect '\(connect)' is not HOST:PORT; write it as 192.0.2.10:443 or [2001:db8::1]:443.")
        }
        if let warnDays, warnDays < 0 || warnDays > 3650 {
            throw ValidationError("--warn-days must be from 0 to 3650, not \(warnDays).")
        }
        guard timeout > 0 && timeout <= 600 else {
            throw ValidationError("--timeout must be more than 0 and at most 600 seconds, not \(timeout).")
        }
        guard concurrency >= 1 && concurrency <= 1024 else {
            throw ValidationError("--concurrency must be from 1 to 1024, not \(concurrency).")
        }
        if (certFile != nil || keyFile != nil) && Set(domains.map { $0.lowercased() }).count != 1 {
            throw ValidationError("--cert-file and --key-file belong to one site: name exactly one domain with them.")
        }
    }

    func run() async throws {
        // Log lines go to standard error, so that standard output stays data;
        // quiet unless --verbose.
        var logger = Logger(label: "wachter.tls") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = global.verbose ? .info : .warning
        let warnDays = try self.warnDays ?? global.loadPolicy().tls.warnDays
        // A WachterError prints as "Error: <sentence>" and exits 1.
        let checker = try SiteChecker(
            trust: caFile.map { .pemFile($0) } ?? .system, warnDays: warnDays,
            timeout: .milliseconds(Int64((timeout * 1000).rounded())), concurrency: concurrency, logger: logger,
            checkRevocation: !noRevocation, revocationCache: revocationCache ?? SiteChecker.defaultRevocationCache())
        // The store is needed for registered sites; ad-hoc domains are checked without one.
        let storeExists = try global.storeLocation().mayExist
        let services = domains.isEmpty || storeExists ? try global.services() : nil
        let selection = SiteCheckRun.Selection(
            domains: domains, connect: endpoint, starttls: startTLSProtocol, certFile: certFile, keyFile: keyFile,
            filesOnly: noConnect)
        let progress = isatty(STDERR_FILENO) == 1 ? ProgressLine() : nil
        let check = {
            try await SiteCheckRun(checker: checker, sites: services?.sites).run(selection, now: GlobalOptions.clock().now()) {
                done, total in progress?.show(done: done, total: total)
            }
        }
        let results: [SiteCheckResult]
        let outcome =
            if let services { try await services.jobs.once("site-check", per: once.oncePer?.seconds, check) } else {
                JobOutcome.ran(try await check())
            }
        switch outcome {
        case .ran(let checked): results = checked
        case .skipped(let run): return OncePerOptions.skipped("site-check", by: run)
        }
        progress?.clear()
        let worst = Verdict.worst(results.map(\.verdict))
        if global.json {
            print(try Self.json(results, worst: worst))
        } else {
            print(Self.text(results), terminator: "")
        }
        if worst != .ok {
            throw ExitCode(worst.exitCode)
        }
    }

    /// One block per site, worst first within the given order's stable sort, and a summary line.
    static func text(_ results: [SiteCheckResult]) -> String {
        let width = min(48, results.map(\.domain.count).max() ?? 0)
        var output = ""
        for result in results {
            let label = result.verdict.rawValue.uppercased().padding(toLength: 9, withPad: " ", startingAt: 0)
            let domain = result.domain.padding(toLength: max(width, result.domain.count), withPad: " ", startingAt: 0)
            var line = "\(label)\(domain)"
            if let notAfter = result.notAfter, let days = result.daysLeft {
                line +=
                    days < 0
                    ? "  expired \(day(notAfter))" : "  until \(day(notAfter)) (\(days) \(days == 1 ? "day" : "days") left)"
            }
            if let endpoint = result.endpoint, endpoint != "\(result.domain):443" || result.starttls != nil {
                line += "  via \(endpoint)"
            }
            if let starttls = result.starttls {
                line += " (STARTTLS \(starttls))"
            }
            if result.endpoint == nil {
                line += "  (files only)"
            }
            if result.revocation?.state == .revoked {
                line += "  REVOKED"
            }
            output += line + "\n"
            for problem in result.problems {
                output += "         - \(problem)\n"
            }
        }
        var counts: [Verdict: Int] = [:]
        for result in results { counts[result.verdict, default: 0] += 1 }
        let summary = Verdict.allCases.map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
        output += "\(results.count) \(results.count == 1 ? "site" : "sites"): \(summary)\n"
        return output
    }

    /// The results as one JSON object: the worst verdict, its exit code and every site.
    static func json(_ results: [SiteCheckResult], worst: Verdict) throws -> String {
        struct Report: Encodable {
            var verdict: Verdict
            var exitCode: Int32
            var sites: [SiteCheckResult]
        }
        return try Output.jsonString(Report(verdict: worst, exitCode: worst.exitCode, sites: results))
    }

    private static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}

/// The progress line on a terminal: `checked 120/1000 sites`, rewritten in place.
/// Shown only for more than one check.
final class ProgressLine: Sendable {
    func show(done: Int, total: Int) {
        guard total > 1 else { return }
        FileHandle.standardError.write(Data("\rchecked \(done)/\(total) sites".utf8))
    }

    func clear() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
