public import Foundation

/// Builds the weekly report from the store, the policy and the site checks.
///
/// Every section's query aggregates in the store (``StoreReading``); the account
/// sections list at most ``itemLimit`` findings each and count the rest. The only
/// full pass over accounts is the hash assessment, which streams.
public struct ReportBuilder: Sendable {
    /// The store.
    public var store: any CredentialStore
    /// The hasher whose policy judges stored hashes, where ``hashers`` names none for a kind.
    public var hasher: PasswordHasher
    /// The hasher of each kind of account, as the policy sets them.
    public var hashers: [AccountKind: PasswordHasher]
    /// The policy values the report judges by.
    public var policy: ReportPolicy
    /// Where sites and their latest checks come from.
    public var sites: any SiteCheckSource
    /// The most findings listed per section; the rest are counted.
    public var itemLimit: Int
    /// The most sources listed as failing most.
    public var sourceLimit: Int
    /// How many weeks ahead the certificate expiry chart looks.
    public var expiryWeeks: Int

    /// Creates a builder.
    ///
    /// - Parameters:
    ///   - store: The store.
    ///   - hasher: The hasher, for its hashing policy.
    ///   - hashers: Per-kind hashers that take precedence over `hasher`.
    ///   - policy: The report policy.
    ///   - sites: The site check source; by default the store's own site tables.
    ///   - itemLimit: The most findings listed per section.
    ///   - sourceLimit: The most failing sources listed.
    ///   - expiryWeeks: Weeks covered by the certificate expiry chart.
    public init(
        store: any CredentialStore, hasher: PasswordHasher, hashers: [AccountKind: PasswordHasher] = [:],
        policy: ReportPolicy = ReportPolicy(),
        sites: (any SiteCheckSource)? = nil, itemLimit: Int = 100, sourceLimit: Int = 10, expiryWeeks: Int = 8
    ) {
        self.store = store
        self.hasher = hasher
        self.hashers = hashers
        self.policy = policy
        self.sites = sites ?? StoredSiteChecks(store: store)
        self.itemLimit = max(1, itemLimit)
        self.sourceLimit = max(1, sourceLimit)
        self.expiryWeeks = max(1, expiryWeeks)
    }

    /// Builds the report for the period that ends now.
    ///
    /// - Parameters:
    ///   - length: The period's length in seconds, such as 7 days.
    ///   - now: The report's time.
    /// - Returns: The report.
    /// - Throws: ``WachterError/Code/storeFailure`` when the store or the site source fails.
    public func build(length: TimeInterval, at now: Date) throws -> Report {
        let period = ReportPeriod(start: now.addingTimeInterval(-length), end: now)
        let siteFindings = try self.siteFindings(try sites.latestChecks(), period: period)
        // Before the trail is read, as `audit --verify` does (AuditChain.verify(_:checkpoint:anchor:)).
        let anchored = try store.auditAnchor?.head()
        var report = try store.read { reader in
            Report(
                schemaVersion: Report.currentSchemaVersion, generatedAt: now, period: period, actionsNeeded: 0, empty: false,
                activity: try activity(reader, period), passwords: try passwords(reader, period),
                logins: try logins(reader, period), sites: siteFindings, audit: try audit(reader, period, anchored),
                retention: try retention(reader, period))
        }
        report.actionsNeeded = Self.actions(in: report)
        report.empty =
            report.actionsNeeded == 0 && report.logins.unknownUsers.isEmpty && report.audit.actions.isEmpty
            && report.retention.isEmpty && report.retention.fiscalHolds.isEmpty
        return report
    }

    /// How many findings ask the operator to act: every listed account, source and
    /// site, and a broken audit chain. Unknown names, operator actions and retention
    /// are for information.
    ///
    /// - Parameter report: The report.
    /// - Returns: The count.
    public static func actions(in report: Report) -> Int {
        let passwords = report.passwords
        return passwords.expired.total + passwords.expiring.total + passwords.mustChange.total
            + passwords.belowPolicy.total + report.logins.locked.total + report.logins.failedSources.total
            + report.logins.stale.total + report.sites.problems.total + report.sites.notChecked.total
            + (report.audit.intact ? 0 : 1)
    }

    // MARK: Sections

    private func passwords(_ reader: any StoreReading, _ period: ReportPeriod) throws -> PasswordFindings {
        let now = period.end
        var expiredCutoffs: [AccountKind: Date] = [:]
        var expiringRanges: [AccountKind: Range<Date>] = [:]
        let untilNextReport = period.nextReportAt.timeIntervalSince(now)
        for kind in AccountKind.allCases where policy.maxAge(kind) > 0 {
            let maxAge = TimeInterval(policy.maxAge(kind)) * 86_400
            let horizon = max(untilNextReport, TimeInterval(policy.warnDays(kind)) * 86_400)
            expiredCutoffs[kind] = now.addingTimeInterval(-maxAge)
            expiringRanges[kind] = now.addingTimeInterval(-maxAge)..<now.addingTimeInterval(-maxAge + horizon)
        }
        let expiry = { (row: AccountRow) -> AccountFinding in
            let expiresAt = row.account.passwordSetAt.addingTimeInterval(TimeInterval(policy.maxAge(row.account.kind)) * 86_400)
            return Self.finding(row, expiresAt: expiresAt, days: Self.wholeDays(from: now, to: expiresAt))
        }
        let expired = try reader.accounts(matching: .passwordSetBefore(expiredCutoffs), limit: itemLimit)
        let expiring = try reader.accounts(matching: .passwordSetBetween(expiringRanges), limit: itemLimit)
        let mustChange = try reader.accounts(matching: .mustChange, limit: itemLimit)
        // Accounts marked at a login whose password is in the breach list (the audit
        // trail says so; nothing else is stored), read only when some must change.
        let breached =
            mustChange.rows.isEmpty
            ? [:]
            : Dictionary(
                try reader.auditEntries().filter { $0.action == LoginService.breachAction }.map { ($0.target, $0.time) },
                uniquingKeysWith: max)

        var belowTotal = 0
        var below: [AccountFinding] = []
        try reader.forEachAccount { row in
            let assessment = (hashers[row.account.kind] ?? hasher).assess(row.account.hash)
            guard let reason = assessment.belowPolicy else { return }
            belowTotal += 1
            if below.count < itemLimit {
                below.append(
                    Self.finding(
                        row, hashMethod: assessment.method?.rawValue ?? "unknown", hashCost: assessment.cost, reason: reason))
            }
        }
        return PasswordFindings(
            expired: ReportSection(total: expired.total, items: expired.rows.map(expiry)),
            expiring: ReportSection(total: expiring.total, items: expiring.rows.map(expiry)),
            mustChange: ReportSection(
                total: mustChange.total,
                items: mustChange.rows.map { row in
                    if let found = breached[row.account.name], found >= row.account.passwordSetAt {
                        return Self.finding(
                            row, days: -Self.wholeDays(from: now, to: found), reason: LoginService.breachReason)
                    }
                    return Self.finding(
                        row, days: -Self.wholeDays(from: now, to: row.account.passwordSetAt), reason: "reset, not yet changed")
                }),
            belowPolicy: ReportSection(total: belowTotal, items: below))
    }

    private func logins(_ reader: any StoreReading, _ period: ReportPeriod) throws -> LoginFindings {
        let (start, now) = (period.start, period.end)
        let locked = try reader.accounts(matching: .locked(at: now), limit: itemLimit)
        let failures = try reader.failures(of: locked.rows.map(\.account.name), from: start, to: now, sourcesPerAccount: 5)
        let lockedItems = locked.rows.map { row in
            let failed = failures[row.account.name]
            return LockedAccount(
                account: row.account.name, kind: row.account.kind,
                customer: CustomerRef(id: row.account.customerID, name: row.customerName),
                lockedBy: row.account.locked ? "operator" : "lockout",
                lockedUntil: row.account.locked ? nil : row.account.lockedUntil,
                consecutiveFailures: row.account.failures, failedAttempts: failed?.attempts ?? 0, sources: failed?.sources ?? [],
                lastFailure: failed?.last)
        }
        let sources = try reader.failedSources(
            from: start, to: now, minimum: max(1, policy.suspiciousSourceFailures), limit: sourceLimit, accountsPerSource: 5)

        let (totals, candidates) = try reader.unknownUsers(
            from: start, to: now, minimum: max(1, policy.unknownUserMinimumAttempts))
        let shown = candidates.filter { Self.looksLikeAccountName($0.name) }
        let shownAttempts = shown.reduce(0) { $0 + $1.attempts }

        let staleCutoff = now.addingTimeInterval(-TimeInterval(policy.staleLoginDays) * 86_400)
        let stale = try reader.accounts(matching: .noLoginSince(staleCutoff), limit: itemLimit)
        return LoginFindings(
            locked: ReportSection(total: locked.total, items: lockedItems),
            failedSources: ReportSection(total: sources.total, items: sources.sources),
            sourceThreshold: max(1, policy.suspiciousSourceFailures),
            unknownUsers: UnknownUsers(
                names: ReportSection(total: shown.count, items: Array(shown.prefix(itemLimit))),
                hiddenAttempts: max(0, totals.attempts - shownAttempts), hiddenNames: max(0, totals.names - shown.count)),
            stale: ReportSection(
                total: stale.total,
                items: stale.rows.map { row in
                    let since = row.account.lastLogin ?? row.account.createdAt
                    return Self.finding(
                        row, days: -Self.wholeDays(from: now, to: since),
                        reason: row.account.lastLogin == nil ? "never logged in" : "no login since \(Self.day(since))")
                }),
            staleDays: policy.staleLoginDays)
    }

    private func activity(_ reader: any StoreReading, _ period: ReportPeriod) throws -> LoginActivity {
        let counts = Dictionary(
            uniqueKeysWithValues: try reader.loginsPerDay(from: period.start, to: period.end).map { ($0.day, $0) })
        let first = Int((period.start.timeIntervalSince1970 / 86_400).rounded(.down))
        let last = Int((period.end.addingTimeInterval(-1).timeIntervalSince1970 / 86_400).rounded(.down))
        let days =
            first <= last
            ? (first...last).map { day in
                DayActivity(
                    date: Self.day(Date(timeIntervalSince1970: Double(day) * 86_400)), logins: counts[day]?.logins ?? 0,
                    failed: counts[day]?.failed ?? 0)
            } : []
        return LoginActivity(
            logins: days.reduce(0) { $0 + $1.logins }, failed: days.reduce(0) { $0 + $1.failed }, days: days)
    }

    private func siteFindings(_ sites: [SiteLatestCheck], period: ReportPeriod) throws -> SiteFindings {
        let now = period.end
        func finding(_ site: SiteLatestCheck) -> SiteFinding {
            let check = site.check
            return SiteFinding(
                domain: site.domain,
                customer: site.customerID.map { CustomerRef(id: $0, name: site.customerName ?? $0) },
                verdict: check?.verdict.rawValue ?? "unchecked", problems: check?.problems.map(\.message) ?? [],
                checkedAt: check?.checkedAt,
                notAfter: check?.notAfter, daysLeft: check?.notAfter.map { Self.wholeDays(from: now, to: $0) },
                endpoint: check?.endpoint, starttls: check?.starttls?.rawValue, revoked: check?.has(.revoked) ?? false)
        }
        let severity: [Verdict: Int] = [.critical: 0, .unknown: 1, .warning: 2]
        let problems = sites.filter { site in
            guard let check = site.check, severity[check.verdict] != nil else { return false }
            return check.checkedAt >= period.start
        }.sorted { left, right in
            // A revoked certificate first: clients refuse it now, whatever its dates say.
            let (a, b) = (
                left.check?.has(.revoked) == true ? -1 : left.check.flatMap { severity[$0.verdict] } ?? 9,
                right.check?.has(.revoked) == true ? -1 : right.check.flatMap { severity[$0.verdict] } ?? 9
            )
            return a != b
                ? a < b
                : (left.check?.notAfter ?? .distantFuture, left.domain) < (right.check?.notAfter ?? .distantFuture, right.domain)
        }
        // Never checked first, then the longest unchecked.
        let unchecked = sites.filter { site in site.check.map { $0.checkedAt < period.start } ?? true }.sorted { left, right in
            (left.check?.checkedAt ?? .distantPast, left.domain) < (right.check?.checkedAt ?? .distantPast, right.domain)
        }
        var weeks: [WeekExpiries] = []
        if !sites.isEmpty {
            var counts = Array(repeating: 0, count: expiryWeeks)
            for site in sites {
                guard let notAfter = site.check?.notAfter else { continue }
                let week = Int((notAfter.timeIntervalSince(now) / (7 * 86_400)).rounded(.down))
                if week < expiryWeeks { counts[max(0, week)] += 1 }
            }
            weeks = counts.enumerated().map { index, count in
                WeekExpiries(weekStart: Self.day(now.addingTimeInterval(Double(index) * 7 * 86_400)), certificates: count)
            }
        }
        return SiteFindings(
            known: sites.count,
            problems: ReportSection(total: problems.count, items: problems.prefix(itemLimit).map(finding)),
            notChecked: ReportSection(total: unchecked.count, items: unchecked.prefix(itemLimit).map(finding)),
            expiryWeeks: weeks)
    }

    private func audit(_ reader: any StoreReading, _ period: ReportPeriod, _ anchored: AuditHead?) throws -> AuditFindings {
        let verification = AuditChain.verify(
            try reader.auditEntries(), checkpoint: try reader.auditCheckpoint(), anchor: anchored)
        let inPeriod = try reader.auditEntries(from: period.start, limit: itemLimit)
        var findings = AuditFindings(
            intact: true, verifiedEntries: 0, brokenAt: nil, problem: nil,
            actions: ReportSection(
                total: inPeriod.total,
                items: inPeriod.entries.map {
                    AuditAction(sequence: $0.sequence, time: $0.time, actor: $0.actor, action: $0.action, target: $0.target)
                }),
            counts: inPeriod.counts)
        switch verification {
        case .intact(let count):
            findings.verifiedEntries = count
        case .broken(let sequence, let reason):
            findings.intact = false
            findings.brokenAt = sequence
            findings.problem = reason
        }
        return findings
    }

    private func retention(_ reader: any StoreReading, _ period: ReportPeriod) throws -> RetentionFindings {
        let (runs, removed) = try reader.retentionRemovals(from: period.start, to: period.end)
        let held = try reader.heldCustomers(limit: itemLimit)
        return RetentionFindings(
            runs: runs, loginEvents: removed[.loginEvents] ?? 0, siteChecks: removed[.siteChecks] ?? 0,
            passwordHistory: removed[.passwordHistory] ?? 0, auditEntries: removed[.auditEntries] ?? 0,
            fiscalHolds: ReportSection(
                total: held.total,
                items: held.customers.compactMap { customer in
                    customer.heldUntil.map {
                        FiscalHold(
                            customer: CustomerRef(id: customer.id, name: customer.name), fields: CustomerService.heldFields,
                            until: $0)
                    }
                }))
    }

    // MARK: Helpers

    private static func finding(
        _ row: AccountRow, expiresAt: Date? = nil, days: Int? = nil, hashMethod: String? = nil, hashCost: String? = nil,
        reason: String? = nil
    ) -> AccountFinding {
        AccountFinding(
            account: row.account.name, kind: row.account.kind,
            customer: CustomerRef(id: row.account.customerID, name: row.customerName),
            passwordSetAt: row.account.passwordSetAt, expiresAt: expiresAt, days: days, lastLogin: row.account.lastLogin,
            hashMethod: hashMethod, hashCost: hashCost, reason: reason)
    }

    /// Whether an unknown name is one that could be an account: only those are shown,
    /// since a password typed into the user name field would fail these rules more often than not.
    static func looksLikeAccountName(_ name: String) -> Bool {
        guard name.count <= 64, !name.contains(where: { $0.isWhitespace }) else { return false }
        return AccountKind.allCases.contains { kind in (try? Names.account(name, kind: kind)) != nil }
    }

    /// Whole days from `now` to `date`, rounded towards negative infinity once past.
    static func wholeDays(from now: Date, to date: Date) -> Int {
        Int((date.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    /// A date as `YYYY-MM-DD` in UTC.
    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
