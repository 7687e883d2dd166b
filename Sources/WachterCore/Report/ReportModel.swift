public import Foundation

/// The weekly report: everything in a period that breaks policy or needs the operator.
///
/// Its JSON form is documented in docs/REPORT.md and docs/report.schema.json. No
/// field holds a password or a hash: accounts appear by name, hashes only as a
/// method and cost.
public struct Report: Codable, Sendable, Equatable {
    /// The JSON form's version; it changes only when a field changes meaning or goes away.
    public var schemaVersion: Int
    /// When the report was made.
    public var generatedAt: Date
    /// The period the report covers.
    public var period: ReportPeriod
    /// How many findings ask the operator to act; the mail subject counts these.
    public var actionsNeeded: Int
    /// Whether every section is empty: the report is then one line.
    public var empty: Bool
    /// Logins and failed logins in the period, per day.
    public var activity: LoginActivity
    /// Password findings.
    public var passwords: PasswordFindings
    /// Login findings.
    public var logins: LoginFindings
    /// Certificate findings.
    public var sites: SiteFindings
    /// The audit trail in the period.
    public var audit: AuditFindings
    /// What retention removed in the period.
    public var retention: RetentionFindings

    /// The current ``schemaVersion``.
    public static let currentSchemaVersion = 1
}

/// The period a report covers.
public struct ReportPeriod: Codable, Sendable, Equatable {
    /// The start, inclusive.
    public var start: Date
    /// The end, exclusive: the report's time.
    public var end: Date
    /// The length in whole days (rounded up).
    public var days: Int
    /// When the next report is due: the end plus the period's length.
    public var nextReportAt: Date

    /// Creates a period.
    ///
    /// - Parameters:
    ///   - start: The start.
    ///   - end: The end.
    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
        self.days = Int((end.timeIntervalSince(start) / 86_400).rounded(.up))
        self.nextReportAt = end.addingTimeInterval(end.timeIntervalSince(start))
    }
}

/// A list of findings, of which at most a limit are listed.
public struct ReportSection<Item: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    /// How many findings there are in all.
    public var total: Int
    /// The listed findings, at most the report's item limit.
    public var items: [Item]

    /// Creates a section.
    ///
    /// - Parameters:
    ///   - total: How many findings there are.
    ///   - items: The listed ones.
    public init(total: Int, items: [Item]) {
        self.total = total
        self.items = items
    }

    /// An empty section.
    public static var none: ReportSection { ReportSection(total: 0, items: []) }

    /// Whether there is nothing to show.
    public var isEmpty: Bool { total == 0 }

    /// How many findings are not listed.
    public var unlisted: Int { max(0, total - items.count) }
}

/// The customer an account or site belongs to.
public struct CustomerRef: Codable, Sendable, Equatable, Hashable {
    /// The customer's id.
    public var id: String
    /// The customer's name.
    public var name: String

    /// Creates a reference.
    ///
    /// - Parameters:
    ///   - id: The customer's id.
    ///   - name: The customer's name.
    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// An account named in a finding.
public struct AccountFinding: Codable, Sendable, Equatable {
    /// The account's name.
    public var account: String
    /// Its kind.
    public var kind: AccountKind
    /// Its customer.
    public var customer: CustomerRef
    /// When its password was set (for a must-change account: when it was reset).
    public var passwordSetAt: Date
    /// When its password expires or expired, where the finding is about expiry.
    public var expiresAt: Date?
    /// Whole days to expiry, negative once expired; for a stale account, days since the
    /// last login (or since it was added); for a must-change account, days since the reset.
    public var days: Int?
    /// Its last successful login.
    public var lastLogin: Date?
    /// The hash's method, where the finding is about the hash (never the hash itself).
    public var hashMethod: String?
    /// The hash's cost, where the method has one.
    public var hashCost: String?
    /// Why the account is listed, in a few words.
    public var reason: String?

    /// Creates a finding.
    public init(
        account: String, kind: AccountKind, customer: CustomerRef, passwordSetAt: Date, expiresAt: Date? = nil,
        days: Int? = nil, lastLogin: Date? = nil, hashMethod: String? = nil, hashCost: String? = nil, reason: String? = nil
    ) {
        self.account = account
        self.kind = kind
        self.customer = customer
        self.passwordSetAt = passwordSetAt
        self.expiresAt = expiresAt
        self.days = days
        self.lastLogin = lastLogin
        self.hashMethod = hashMethod
        self.hashCost = hashCost
        self.reason = reason
    }
}

/// Password findings.
public struct PasswordFindings: Codable, Sendable, Equatable {
    /// Passwords past their maximum age.
    public var expired: ReportSection<AccountFinding>
    /// Passwords that expire before the next report or within the warning days.
    public var expiring: ReportSection<AccountFinding>
    /// Accounts that must change their password after a reset and have not.
    public var mustChange: ReportSection<AccountFinding>
    /// Accounts whose hash method or cost is below policy.
    public var belowPolicy: ReportSection<AccountFinding>
}

/// A source address and how often it failed against one account.
public struct Attempts: Codable, Sendable, Equatable {
    /// The account name or the source address.
    public var name: String
    /// How many failed attempts.
    public var attempts: Int

    /// Creates a count.
    ///
    /// - Parameters:
    ///   - name: What was counted.
    ///   - attempts: How often.
    public init(name: String, attempts: Int) {
        self.name = name
        self.attempts = attempts
    }
}

/// A locked account and the failures that locked it.
public struct LockedAccount: Codable, Sendable, Equatable {
    /// The account's name.
    public var account: String
    /// Its kind.
    public var kind: AccountKind
    /// Its customer.
    public var customer: CustomerRef
    /// `operator` for an operator's lock, `lockout` for the lockout policy.
    public var lockedBy: String
    /// Until when a lockout lasts.
    public var lockedUntil: Date?
    /// Consecutive failures recorded on the account.
    public var consecutiveFailures: Int
    /// Failed attempts against it in the period.
    public var failedAttempts: Int
    /// The sources of those attempts, most first.
    public var sources: [Attempts]
    /// The last failed attempt in the period.
    public var lastFailure: Date?
}

/// A source address with many failed logins.
public struct SourceFinding: Codable, Sendable, Equatable {
    /// The address.
    public var source: String
    /// Failed attempts from it in the period.
    public var attempts: Int
    /// How many different account names it tried.
    public var distinctAccounts: Int
    /// The names it tried most, with counts.
    public var accounts: [Attempts]
    /// Its first failure in the period.
    public var firstSeen: Date
    /// Its last failure in the period.
    public var lastSeen: Date
}

/// An unknown user name that was tried.
public struct UnknownUser: Codable, Sendable, Equatable {
    /// The name as tried.
    public var name: String
    /// How often.
    public var attempts: Int
    /// From how many sources.
    public var sources: Int
    /// The last attempt.
    public var lastSeen: Date
}

/// Unknown user names: those shown, and how many were not shown.
public struct UnknownUsers: Codable, Sendable, Equatable {
    /// Names tried often enough to show, most tried first.
    public var names: ReportSection<UnknownUser>
    /// Attempts with names that are not shown (tried once, or not a valid account name:
    /// such a name may be a password typed into the wrong field).
    public var hiddenAttempts: Int
    /// How many different names were not shown.
    public var hiddenNames: Int

    /// Whether nothing unknown was tried.
    public var isEmpty: Bool { names.isEmpty && hiddenAttempts == 0 }
}

/// Login findings.
public struct LoginFindings: Codable, Sendable, Equatable {
    /// Locked accounts.
    public var locked: ReportSection<LockedAccount>
    /// Sources with the most failed logins.
    public var failedSources: ReportSection<SourceFinding>
    /// The failures in the period from which a source is listed.
    public var sourceThreshold: Int
    /// Unknown user names tried.
    public var unknownUsers: UnknownUsers
    /// Accounts without a login for longer than the stale period.
    public var stale: ReportSection<AccountFinding>
    /// The stale period in days.
    public var staleDays: Int
}

/// Logins per day.
public struct DayActivity: Codable, Sendable, Equatable {
    /// The day, `YYYY-MM-DD` in UTC.
    public var date: String
    /// Successful logins.
    public var logins: Int
    /// Logins that did not succeed.
    public var failed: Int
}

/// Login activity in the period.
public struct LoginActivity: Codable, Sendable, Equatable {
    /// Successful logins.
    public var logins: Int
    /// Logins that did not succeed.
    public var failed: Int
    /// Per day, every day of the period.
    public var days: [DayActivity]
}

/// A site with a certificate problem, or one not checked in the period.
public struct SiteFinding: Codable, Sendable, Equatable {
    /// The site's domain.
    public var domain: String
    /// Its customer, where known.
    public var customer: CustomerRef?
    /// `ok`, `warning`, `critical` or `unknown`; `unchecked` when never checked.
    public var verdict: String
    /// The problems found, as sentences.
    public var problems: [String]
    /// The last check.
    public var checkedAt: Date?
    /// The certificate's end of validity.
    public var notAfter: Date?
    /// Whole days from the report's time to `notAfter`, negative once expired.
    public var daysLeft: Int?
    /// Where the check connected (`host:port`); nil for files alone or a check from before endpoints.
    public var endpoint: String?
    /// The STARTTLS protocol spoken there (`imap`, `pop3`, `smtp`, `ftp`), if any.
    public var starttls: String?
    /// Whether the certificate is revoked (such findings come first).
    public var revoked: Bool

    /// The endpoint for people: `HTTPS 192.0.2.10:443`, `IMAP STARTTLS mail.example.nl:143`,
    /// `IMAPS mail.example.nl:993`, or `files` for files alone.
    public var endpointLabel: String {
        guard let endpoint else { return checkedAt == nil ? "-" : "files" }
        if let starttls { return "\(starttls.uppercased()) STARTTLS \(endpoint)" }
        let implicit = ["993": "IMAPS", "995": "POP3S", "465": "SMTPS", "990": "FTPS"]
        let port = endpoint.split(separator: ":").last.map(String.init) ?? ""
        return "\(implicit[port] ?? "HTTPS") \(endpoint)"
    }
}

/// A certificate expiry in the coming weeks, for the chart.
public struct WeekExpiries: Codable, Sendable, Equatable {
    /// The week's first day, `YYYY-MM-DD`.
    public var weekStart: String
    /// How many certificates expire in that week.
    public var certificates: Int
}

/// Certificate findings.
public struct SiteFindings: Codable, Sendable, Equatable {
    /// How many sites are known.
    public var known: Int
    /// Site endpoints whose last check is critical or warning (or unknown): revoked
    /// certificates first, then the worst.
    public var problems: ReportSection<SiteFinding>
    /// Sites not checked within the period.
    public var notChecked: ReportSection<SiteFinding>
    /// Certificates expiring per week over the coming weeks (expired ones in the first week).
    public var expiryWeeks: [WeekExpiries]
}

/// An operator action from the audit trail.
public struct AuditAction: Codable, Sendable, Equatable {
    /// The entry's sequence number.
    public var sequence: Int64
    /// When.
    public var time: Date
    /// Who.
    public var actor: String
    /// What, such as `reset`, `lock` or `export`.
    public var action: String
    /// To what.
    public var target: String
}

/// The audit trail in the period.
public struct AuditFindings: Codable, Sendable, Equatable {
    /// Whether the whole chain verifies.
    public var intact: Bool
    /// How many entries were verified.
    public var verifiedEntries: Int
    /// Where the chain breaks, when it does.
    public var brokenAt: Int64?
    /// Why it breaks, when it does.
    public var problem: String?
    /// Actions in the period, oldest first.
    public var actions: ReportSection<AuditAction>
    /// How many actions of each kind in the period.
    public var counts: [String: Int]
}

/// What retention removed in the period.
public struct RetentionFindings: Codable, Sendable, Equatable {
    /// How many times `prune` ran in the period.
    public var runs: Int
    /// Login events removed.
    public var loginEvents: Int
    /// Stored site checks removed.
    public var siteChecks: Int
    /// Earlier password hashes removed.
    public var passwordHistory: Int
    /// Audit entries replaced by a checkpoint.
    public var auditEntries: Int

    /// Erased customers whose name and address are kept for the fiscal obligation, soonest released first.
    public var fiscalHolds: ReportSection<FiscalHold> = ReportSection(total: 0, items: [])

    /// Whether nothing was removed.
    public var isEmpty: Bool { loginEvents + siteChecks + passwordHistory + auditEntries == 0 }
}

/// What an erasure kept of a customer, and until when (`customer erase --hold-until`).
public struct FiscalHold: Codable, Sendable, Equatable {
    /// The customer.
    public var customer: CustomerRef
    /// The fields kept: name, company, address, postcode, city.
    public var fields: [String]
    /// When `prune` removes them.
    public var until: Date

    /// Creates a hold.
    public init(customer: CustomerRef, fields: [String], until: Date) {
        self.customer = customer
        self.fields = fields
        self.until = until
    }
}
