import ArgumentParser
import Foundation
import Glibc
import WachterCore

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report everything in a period that breaks policy or needs the operator.",
        discussion: """
            Sections: passwords expired or expiring before the next report; accounts that
            must change their password after a reset; hashes below policy; locked accounts
            with the failures that locked them; sources with the most failed logins and the
            accounts they tried; unknown user names; accounts without a login for longer
            than the stale period; sites with certificate problems and sites not checked;
            operator actions and whether the audit trail verifies; what retention removed.
            A section appears only when it has findings; an empty period is one line.

            No report holds a password or a hash. The JSON form is described in
            docs/REPORT.md and docs/report.schema.json.

            --mail-to sends the text and HTML forms as one multipart/alternative message
            through the sendmail interface (--sendmail, default /usr/sbin/sendmail -t -i).

            With several hosts on one store, start it on every host with --once-per (such
            as --once-per 1d): one host builds and mails it (docs/HOSTS.md).

            EXIT STATUS: 0 the report was written (or sent), whatever it found, or another
            host ran it within --once-per; 1 an error.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var once: OncePerOptions

    @Option(help: ArgumentHelp("The period the report covers, such as 7d, 30d or 2w.", valueName: "period"))
    var since: Period = Period(argument: "7d")!

    @Option(help: ArgumentHelp("text, markdown, html or json (--json means json).", valueName: "format"))
    var format: ReportFormat?

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "path"))
    var output: String?

    @Option(
        name: .customLong("mail-to"),
        help: ArgumentHelp("Mail the report (text and HTML) to this address; repeat for more.", valueName: "address"))
    var mailTo: [String] = []

    @Option(help: ArgumentHelp("The sender of the mail.", valueName: "address"))
    var mailFrom: String = "wachter@\(ProcessInfo.processInfo.hostName)"

    @Option(
        help: ArgumentHelp(
            "The sendmail program.", discussion: "Default: $WACHTER_SENDMAIL, else /usr/sbin/sendmail.", valueName: "path"))
    var sendmail: String?

    @Option(help: ArgumentHelp("The most findings listed per section; the rest are counted.", valueName: "n"))
    var limit: Int = 100

    func validate() throws {
        guard since.seconds >= 3600 else { throw ValidationError("--since must be at least 1h, such as 7d.") }
        guard limit > 0 else { throw ValidationError("--limit must be at least 1.") }
        for address in mailTo + [mailFrom] where (try? MailAddress(address)) == nil {
            throw ValidationError("'\(address)' is not a mail address; give local@domain.")
        }
    }

    func run() async throws {
        let policy = try global.loadPolicy()
        let services = try global.services(policy: policy)
        if case .skipped(let run) = try await services.jobs.once(
            "report", per: once.oncePer?.seconds, { try write(services, policy) })
        {
            OncePerOptions.skipped("report", by: run)
        }
    }

    private func write(_ services: WachterServices, _ policy: WachterPolicy) throws {
        let reports = services.reports
        let report = try reports.build(length: since.seconds, policy: ReportPolicy(policy: policy), itemLimit: limit)
        let chosen = format ?? (global.json ? .json : .text)
        if !mailTo.isEmpty {
            // A sendmail that exits before reading the whole message must not kill us with SIGPIPE.
            signal(SIGPIPE, SIG_IGN)
            let subject = try reports.mail(
                report, from: try MailAddress(mailFrom, displayName: "Wachter"), to: try mailTo.map { try MailAddress($0) },
                sendmail: sendmail ?? ProcessInfo.processInfo.environment["WACHTER_SENDMAIL"] ?? Sendmail.defaultPath)
            Output.note("Report mailed to \(mailTo.joined(separator: ", ")): \(subject).")
            if output == nil && format == nil { return }
        }
        let document = try ReportRenderer.render(report, as: chosen)
        if let output {
            try FileAccess.write(Array(document.utf8), to: output, what: "report file")
        } else {
            print(document, terminator: "")
        }
    }
}

struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Apply retention: remove login events, site checks and old password history past their periods.",
        discussion: """
            Login events older than the retention period (90 days by default), stored site
            checks (365 days), earlier password hashes (730 days, and beyond the history
            depth) are removed. Audit entries older than the audit period (7 years) are
            replaced by a checkpoint, recorded in a `prune` entry of the chain, so that
            `wachter audit --verify` still verifies; a trail that does not verify is never
            pruned. What was removed is recorded for the weekly report.

            With several hosts on one store, start it on every host with --once-per (such
            as --once-per 1h): one host prunes (docs/HOSTS.md).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var once: OncePerOptions

    @Option(help: ArgumentHelp("Days login events are kept.", valueName: "days")) var loginEventsDays: Int?
    @Option(help: ArgumentHelp("Days site checks are kept.", valueName: "days")) var siteChecksDays: Int?
    @Option(help: ArgumentHelp("Days audit entries are kept.", valueName: "days")) var auditDays: Int?
    @Option(help: ArgumentHelp("Days earlier password hashes are kept (0: by depth only).", valueName: "days"))
    var passwordHistoryDays: Int?

    func validate() throws {
        for (name, value) in [
            ("--login-events-days", loginEventsDays), ("--site-checks-days", siteChecksDays), ("--audit-days", auditDays),
        ] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1.") }
        }
        if let passwordHistoryDays, passwordHistoryDays < 0 {
            throw ValidationError("--password-history-days must be 0 or more.")
        }
    }

    func run() async throws {
        let policy = try global.loadPolicy()
        let service = try global.services(policy: policy)
        var periods = RetentionPeriods(policy: policy)
        if let loginEventsDays { periods.loginEventsDays = loginEventsDays }
        if let siteChecksDays { periods.siteChecksDays = siteChecksDays }
        if let auditDays { periods.auditDays = auditDays }
        if let passwordHistoryDays { periods.passwordHistoryDays = passwordHistoryDays }
        let result: PruneResult
        switch try await service.jobs.once("prune", per: once.oncePer?.seconds, { try service.retention.prune(periods) }) {
        case .ran(let pruned): result = pruned
        case .skipped(let run): return OncePerOptions.skipped("prune", by: run)
        }
        if global.json { return try Output.json(result) }
        print(
            "removed: \(result.loginEvents) login events, \(result.loginSources) login source addresses, "
                + "\(result.heldCustomers) customers whose hold ended, "
                + "\(result.siteChecks.map(String.init) ?? "no") site checks, "
                + "\(result.passwordHistory) earlier password hashes, \(result.auditEntries) audit entries")
        if let skipped = result.auditSkipped { Output.note("Audit trail not pruned: \(skipped)") }
    }
}
