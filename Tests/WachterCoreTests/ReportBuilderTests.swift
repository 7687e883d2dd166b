import Foundation
import Testing
import WachterCore

/// A store with one finding of each kind, built through the service with a fixed clock per step.
struct ReportFixture {
    static let now = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01T00:00:00Z
    static let canary = "canary-Pa55word-7731"
    /// A password typed as the user name. Names no account can have (such as with
    /// `&`) are refused before anything is recorded, so this one keeps to POSIX's rules.
    static let strangerName = "Tr0ub4dor-3-canary"

    let directory: TemporaryDirectory
    let store: SQLiteStore
    let hasher: PasswordHasher

    init(rich: Bool = true) throws {
        directory = try TemporaryDirectory()
        store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        hasher = try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 1))
        guard rich else { return }
        try at(-500).customers.add(id: "acme", name: "<script>alert(1)</script>")
        try at(-500).customers.add(id: "bakkerij", name: "Bakkerij Jansen")
        try add("old@acme.nl", .mailbox, "acme", day: -400)
        try add("soon@acme.nl", .mailbox, "acme", day: -360)
        try add("later@acme.nl", .mailbox, "acme", day: -300)
        try add("resetme", .ftp, "acme", day: -30)
        _ = try at(-20).accounts.reset(account: "resetme")
        try add("locked@bakkerij.nl", .mailbox, "bakkerij", day: -50)
        let legacy = try PasswordHasher(policy: HashingPolicy(method: .sha512crypt)).hash(Secret(Self.canary))
        try store.write { writer in
            try writer.insert(
                Account(
                    name: "legacy", kind: .ssh, customerID: "bakkerij", hash: legacy,
                    passwordSetAt: Self.day(-10), createdAt: Self.day(-10)))
        }
        try login("later@acme.nl", good: false, day: -100, source: "192.0.2.44")
        try login("soon@acme.nl", good: true, day: -2, source: "192.0.2.10")
        try login("later@acme.nl", good: true, day: -1, source: "192.0.2.10")
        for index in 0..<6 {
            try login("locked@bakkerij.nl", good: false, day: -3 + Double(index) / 100, source: "198.51.100.7")
        }
        for index in 0..<3 { try login("admin", good: false, day: -3 + Double(index) / 100, source: "198.51.100.7") }
        for index in 0..<4 { try login("later@acme.nl", good: false, day: -4 + Double(index) / 100, source: "192.0.2.44") }
        try login(Self.strangerName, good: false, day: -2, source: "192.0.2.10")
        try at(-2).accounts.lock(account: "locked@bakkerij.nl")
        _ = try at(-1).retention.prune(RetentionPeriods(loginEventsDays: 90))
    }

    static func day(_ offset: Double) -> Date { now.addingTimeInterval(offset * 86_400) }

    func at(_ offset: Double) -> WachterServices {
        WachterServices(
            context: ServiceContext(store: store, hasher: hasher, clock: FixedClock(Self.day(offset)), actor: "tester"))
    }

    func add(_ name: String, _ kind: AccountKind, _ customer: String, day: Double) throws {
        try at(day).accounts.add(name: name, kind: kind, customerID: customer, password: .given(Secret(Self.canary)))
    }

    func login(_ name: String, good: Bool, day: Double, source: String) throws {
        _ = try at(day).logins.verify(
            account: name, password: Secret(good ? Self.canary : Self.canary + "-wrong"), service: "dovecot", source: source)
    }

    func report(sites: any SiteCheckSource = NoSiteChecks(), limit: Int = 100, at offset: Double = 0) throws -> Report {
        try ReportBuilder(store: store, hasher: hasher, sites: sites, itemLimit: limit)
            .build(length: 7 * 86_400, at: Self.day(offset))
    }
}

/// Sites as a TLS check would report them.
struct FixedSites: SiteCheckSource {
    var checks: [SiteLatestCheck]
    func latestChecks() -> [SiteLatestCheck] { checks }

    /// A site with a check when `verdict` is given, else a site never checked.
    static func entry(
        domain: String, customerID: String? = nil, customerName: String? = nil, verdict: String? = nil,
        problems: [String] = [], checkedAt: Date? = nil, notAfter: Date? = nil, endpoint: String? = nil,
        starttls: String? = nil, codes: [String] = []
    ) -> SiteLatestCheck {
        let check = verdict.flatMap(Verdict.init(rawValue:)).map { verdict in
            SiteCheckResult(
                stored: domain, endpoint: endpoint, starttls: starttls.flatMap(StartTLSProtocol.init(rawValue:)),
                verdict: verdict,
                problems: problems.enumerated().map { index, message in
                    let code = index < codes.count ? ProblemCode(name: codes[index]) : nil
                    return Problem(code ?? .unrecorded, message, source: .served, verdict: code?.verdict ?? verdict)
                }, checkedAt: checkedAt ?? .distantPast, notAfter: notAfter)
        }
        return SiteLatestCheck(domain: domain, customerID: customerID, customerName: customerName, check: check)
    }
}

struct ReportBuilderTests {
    @Test func everySectionAppearsWhenItsConditionHolds() throws {
        let fixture = try ReportFixture()
        let report = try fixture.report()
        #expect(report.passwords.expired.items.map(\.account) == ["old@acme.nl"])
        #expect(report.passwords.expiring.items.map(\.account) == ["soon@acme.nl"])
        #expect(report.passwords.expiring.items.first?.days == 5)
        #expect(report.passwords.mustChange.items.map(\.account) == ["resetme"])
        #expect(report.passwords.belowPolicy.items.map(\.account) == ["legacy"])
        #expect(report.passwords.belowPolicy.items.first?.hashMethod == "sha512crypt")
        let locked = try #require(report.logins.locked.items.first)
        #expect(locked.account == "locked@bakkerij.nl")
        #expect(locked.lockedBy == "operator")
        #expect(locked.failedAttempts == 6)
        #expect(locked.sources == [Attempts(name: "198.51.100.7", attempts: 6)])
        let source = try #require(report.logins.failedSources.items.first)
        #expect(report.logins.failedSources.total == 1)
        #expect(source.source == "198.51.100.7")
        #expect(source.attempts == 9)
        #expect(source.accounts == [Attempts(name: "locked@bakkerij.nl", attempts: 6), Attempts(name: "admin", attempts: 3)])
        #expect(report.logins.unknownUsers.names.items.map(\.name) == ["admin"])
        #expect(report.logins.stale.items.map(\.account) == ["old@acme.nl"])
        #expect(report.audit.intact)
        #expect(report.audit.counts["lock"] == 1)
        #expect(report.retention.loginEvents == 1)
        #expect(report.retention.runs == 1)
        #expect(report.activity.logins == 2)
        #expect(report.activity.days.count == 7)
        #expect(report.actionsNeeded == 7)
        #expect(!report.empty)
        let ids = ReportView(report).sections.map(\.id)
        #expect(
            ids == [
                "expired", "expiring", "must-change", "below-policy", "locked", "failed-sources", "unknown-users", "stale",
                "audit", "retention",
            ])
    }

    @Test func sectionsAreAbsentWhenTheirConditionDoesNotHold() throws {
        let fixture = try ReportFixture()
        let report = try fixture.report()
        #expect(!report.passwords.expiring.items.contains { $0.account == "later@acme.nl" }, "expires in 65 days")
        #expect(!report.logins.failedSources.items.contains { $0.source == "192.0.2.44" }, "4 failures are below the threshold")
        #expect(!report.passwords.expired.items.contains { $0.account == "resetme" }, "must-change is its own section")
        #expect(report.sites.known == 0)
        #expect(report.sites.expiryWeeks.isEmpty)
        // A month later the week holds no events, actions or prune runs.
        let later = try fixture.report(at: 40)
        let ids = ReportView(later).sections.map(\.id)
        #expect(ids.contains("locked"), "the operator's lock lasts")
        #expect(!ids.contains("failed-sources"))
        #expect(!ids.contains("unknown-users"))
        #expect(!ids.contains("audit"))
        #expect(!ids.contains("retention"))
        #expect(!ids.contains("site-problems"))
        #expect(later.activity.logins == 0)
    }

    @Test func anUnknownNameTriedOnceIsCountedButNotShown() throws {
        let report = try ReportFixture().report()
        let unknown = report.logins.unknownUsers
        #expect(unknown.hiddenAttempts == 1)
        #expect(unknown.hiddenNames == 1)
        for format in ReportFormat.allCases {
            #expect(!(try ReportRenderer.render(report, as: format)).contains(ReportFixture.strangerName))
        }
    }

    @Test func anEmptyWeekIsOneLine() throws {
        let fixture = try ReportFixture(rich: false)
        try fixture.at(-30).customers.add(id: "quiet", name: "Quiet")
        try fixture.add("info@quiet.nl", .mailbox, "quiet", day: -30)
        try fixture.login("info@quiet.nl", good: true, day: -1, source: "192.0.2.1")
        let report = try fixture.report()
        #expect(report.empty)
        #expect(report.actionsNeeded == 0)
        let text = try ReportRenderer.render(report, as: .text)
        #expect(text.split(separator: "\n").count == 1)
        #expect(text.hasPrefix("Nothing to report for 2024-12-25 to 2025-01-01"))
        #expect(try ReportRenderer.render(report, as: .markdown).split(separator: "\n").count == 1)
        #expect(try ReportRenderer.render(report, as: .html).contains("Nothing to report"))
    }

    @Test func aFiscalHoldIsListedWithItsFieldsAndEndUntilPruneRemovesIt() throws {
        let fixture = try ReportFixture(rich: false)
        try fixture.at(-30).customers.add(id: "gone", name: "Gone BV")
        try fixture.add("info@gone.nl", .mailbox, "gone", day: -30)
        let until = ReportFixture.day(400)
        _ = try fixture.at(-2).customers.erase(id: "gone", holdUntil: until)
        let report = try fixture.report()
        #expect(report.retention.fiscalHolds.total == 1)
        #expect(
            report.retention.fiscalHolds.items == [
                FiscalHold(customer: CustomerRef(id: "gone", name: "Gone BV"), fields: CustomerService.heldFields, until: until)
            ])
        #expect(!report.empty)
        #expect(report.actionsNeeded == 0)
        let text = try ReportRenderer.render(report, as: .text)
        #expect(text.contains("HELD FOR THE FISCAL OBLIGATION"))
        #expect(text.contains("Gone BV (gone)"))
        #expect(try ReportRenderer.render(report, as: .html).contains("Held for the fiscal obligation"))
        _ = try fixture.at(401).retention.prune(RetentionPeriods())
        #expect(try fixture.report().retention.fiscalHolds.isEmpty)
    }

    @Test func sitesWithProblemsAndUncheckedSitesAreReported() throws {
        let fixture = try ReportFixture(rich: false)
        let now = ReportFixture.now
        let sites = FixedSites(checks: [
            FixedSites.entry(
                domain: "shop.example", customerID: "acme", customerName: "Acme", verdict: "critical",
                problems: ["the certificate expired 2 days ago"], checkedAt: ReportFixture.day(-1),
                notAfter: ReportFixture.day(-2)),
            FixedSites.entry(
                domain: "www.example", customerID: "acme", customerName: "Acme", verdict: "warning",
                problems: ["the certificate expires in 10 days"], checkedAt: ReportFixture.day(-1),
                notAfter: now.addingTimeInterval(10.5 * 86_400)),
            FixedSites.entry(
                domain: "fine.example", verdict: "ok", checkedAt: ReportFixture.day(-1), notAfter: ReportFixture.day(80)),
            FixedSites.entry(
                domain: "stale.example", verdict: "ok", checkedAt: ReportFixture.day(-30), notAfter: ReportFixture.day(20)),
            FixedSites.entry(domain: "new.example"),
        ])
        let report = try fixture.report(sites: sites)
        #expect(report.sites.known == 5)
        #expect(report.sites.problems.items.map(\.domain) == ["shop.example", "www.example"])
        #expect(report.sites.problems.items.map(\.daysLeft) == [-2, 10])
        #expect(report.sites.notChecked.items.map(\.domain) == ["new.example", "stale.example"])
        #expect(report.sites.notChecked.items.first?.verdict == "unchecked")
        #expect(report.sites.expiryWeeks.map(\.certificates) == [1, 1, 1, 0, 0, 0, 0, 0])
        #expect(report.actionsNeeded == 4)
        let ids = ReportView(report).sections.map(\.id)
        #expect(ids == ["site-problems", "sites-unchecked"])
        let html = try ReportRenderer.render(report, as: .html)
        #expect(html.contains("Certificates expiring per week"))
    }

    @Test func revokedCertificatesComeFirstAndMailEndpointsAreNamed() throws {
        let fixture = try ReportFixture(rich: false)
        let sites = FixedSites(checks: [
            FixedSites.entry(
                domain: "shop.example", verdict: "critical", problems: ["expired"], checkedAt: ReportFixture.day(-1),
                notAfter: ReportFixture.day(-2), endpoint: "shop.example:443", codes: ["expired"]),
            FixedSites.entry(
                domain: "mail.example", verdict: "critical", problems: ["The certificate was revoked."],
                checkedAt: ReportFixture.day(-1), notAfter: ReportFixture.day(200), endpoint: "192.0.2.10:143",
                starttls: "imap", codes: ["revoked"]),
            FixedSites.entry(
                domain: "mail.example", verdict: "warning", problems: ["soon"], checkedAt: ReportFixture.day(-1),
                notAfter: ReportFixture.day(5), endpoint: "192.0.2.10:993", codes: ["expires-soon"]),
        ])
        let report = try fixture.report(sites: sites)
        #expect(report.sites.problems.items.map(\.endpoint) == ["192.0.2.10:143", "shop.example:443", "192.0.2.10:993"])
        #expect(report.sites.problems.items.map(\.revoked) == [true, false, false])
        let text = try ReportRenderer.render(report, as: .text)
        #expect(text.contains("IMAP STARTTLS 192.0.2.10:143"))
        #expect(text.contains("IMAPS 192.0.2.10:993"))
        #expect(text.contains("critical (revoked)"))
    }

    @Test func aLimitListsFewerAndCountsTheRest() throws {
        let fixture = try ReportFixture(rich: false)
        try fixture.at(-500).customers.add(id: "many", name: "Many")
        for index in 0..<5 { try fixture.add("user\(index)", .ftp, "many", day: -400) }
        let report = try fixture.report(limit: 2)
        #expect(report.passwords.expired.total == 5)
        #expect(report.passwords.expired.items.count == 2)
        #expect(try ReportRenderer.render(report, as: .text).contains("… and 3 more"))
    }

    @Test func noFormatHoldsAPasswordOrAHash() throws {
        let fixture = try ReportFixture()
        let report = try fixture.report()
        let hashes = try fixture.store.read { reader in
            try reader.accounts(kind: nil, customerID: nil).map(\.hash)
                + (try reader.accounts(kind: nil, customerID: nil).flatMap {
                    try reader.passwordHistory(account: $0.name, limit: 10)
                })
        }
        #expect(hashes.count >= 7)
        let mail = try MailMessage.report(
            report, from: try MailAddress("wachter@example.nl"), to: [try MailAddress("ops@example.nl")]
        ).rendered()
        for document in try ReportFormat.allCases.map({ try ReportRenderer.render(report, as: $0) }) + [mail] {
            #expect(!document.contains(ReportFixture.canary))
            #expect(!document.contains("$y$"))
            #expect(!document.contains("$6$"))
            for hash in hashes { #expect(!document.contains(hash)) }
        }
    }

    @Test func theHTMLEscapesWhatComesFromTheStore() throws {
        let html = try ReportRenderer.render(try ReportFixture().report(), as: .html)
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("<svg"))
        #expect(!html.contains("<style"), "mail clients drop style blocks: inline CSS only")
    }

    @Test func textAndMarkdownNeutraliseControlAndMarkupCharacters() throws {
        let fixture = try ReportFixture(rich: false)
        try fixture.at(-500).customers.add(id: "odd", name: "Odd | *bold* _x_")
        try fixture.add("oddone", .ftp, "odd", day: -400)
        // Logins refuse such a name now (Names.lookup); a store written by an earlier
        // version may still hold one.
        try fixture.store.write { writer in
            for index in 0..<2 {
                try writer.insert(
                    LoginEvent(
                        time: ReportFixture.day(-1 + Double(index) / 100), account: "evil\u{1B}[31m", service: "dovecot",
                        source: "192.0.2.9", result: .unknownUser, reason: "no such account"))
            }
        }
        let report = try fixture.report()
        let text = try ReportRenderer.render(report, as: .text)
        #expect(!text.contains("\u{1B}"))
        let markdown = try ReportRenderer.render(report, as: .markdown)
        #expect(markdown.contains("Odd \\| \\*bold\\* \\_x\\_"))
    }
}
