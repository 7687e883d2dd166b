/// How long each kind of record is kept before `wachter prune` removes it.
///
/// The names follow the policy engine's `[retention]` section (`login_events_days`,
/// `site_checks_days`, `audit_days`); `passwordHistoryDays` is this type's own until
/// the policy file has a key for it.
public struct RetentionPeriods: Sendable, Equatable, Codable {
    /// Days that login events are kept.
    public var loginEventsDays: Int
    /// Days that a login record's source address is kept (its digest stays with the record).
    public var loginSourceDays: Int = 30
    /// Days that stored site check results are kept.
    public var siteChecksDays: Int
    /// Days that the audit trail is kept; older entries are replaced by a checkpoint.
    public var auditDays: Int
    /// Days that an earlier password's hash is kept to refuse its reuse; 0 keeps it
    /// until the history depth pushes it out.
    public var passwordHistoryDays: Int
    /// How many earlier hashes each account keeps at most.
    public var passwordHistoryDepth: Int

    /// Creates retention periods; the defaults are the policy engine's shipped values.
    ///
    /// - Parameters:
    ///   - loginEventsDays: Days that login events are kept.
    ///   - siteChecksDays: Days that site check results are kept.
    ///   - auditDays: Days that audit entries are kept (7 years, for tax law).
    ///   - passwordHistoryDays: Days that earlier hashes are kept, 0 for no limit.
    ///   - passwordHistoryDepth: Earlier hashes kept per account.
    public init(
        loginEventsDays: Int = 90, siteChecksDays: Int = 365, auditDays: Int = 2557, passwordHistoryDays: Int = 730,
        passwordHistoryDepth: Int = 5
    ) {
        self.loginEventsDays = loginEventsDays
        self.siteChecksDays = siteChecksDays
        self.auditDays = auditDays
        self.passwordHistoryDays = passwordHistoryDays
        self.passwordHistoryDepth = passwordHistoryDepth
    }
}

/// The policy values the weekly report judges by.
///
/// A small value of its own so that the report does not depend on how the policy
/// file is read; the policy engine's `WachterPolicy` maps onto it
/// (`rotation.maxAgeDays` and `rotation.warnDays` per kind, `tls.warnDays`, `retention`).
public struct ReportPolicy: Sendable, Equatable {
    /// Days until a password expires, per account kind; 0 means never.
    public var maxPasswordAgeDays: [AccountKind: Int]
    /// Days before expiry that a password is reported as expiring, per account kind.
    ///
    /// A password is reported when it expires before the next report or within these days.
    public var passwordWarnDays: [AccountKind: Int]
    /// Days without a successful login after which an account is reported as stale.
    public var staleLoginDays: Int
    /// Days before a certificate's expiry that the site is reported.
    public var certificateWarnDays: Int
    /// Failed logins in the period from one source before it is reported.
    public var suspiciousSourceFailures: Int
    /// Attempts in the period before an unknown user name is shown by name.
    ///
    /// Names tried once are counted but not shown: a person who types their password
    /// into the user name field would otherwise find it in the report.
    public var unknownUserMinimumAttempts: Int
    /// The retention periods, for the report's retention section and `prune`.
    public var retention: RetentionPeriods

    /// Creates the report policy; the defaults follow the shipped policy.
    ///
    /// - Parameters:
    ///   - maxPasswordAgeDays: Days until a password expires, per kind; kinds not given use 365.
    ///   - passwordWarnDays: Warning days per kind; kinds not given use 14.
    ///   - staleLoginDays: Days without a login that make an account stale.
    ///   - certificateWarnDays: Days before a certificate's expiry that count as a warning.
    ///   - suspiciousSourceFailures: Failures from one source that get it reported.
    ///   - unknownUserMinimumAttempts: Attempts before an unknown name is shown.
    ///   - retention: The retention periods.
    public init(
        maxPasswordAgeDays: [AccountKind: Int] = [:], passwordWarnDays: [AccountKind: Int] = [:], staleLoginDays: Int = 180,
        certificateWarnDays: Int = 21, suspiciousSourceFailures: Int = 5, unknownUserMinimumAttempts: Int = 2,
        retention: RetentionPeriods = RetentionPeriods()
    ) {
        var ages: [AccountKind: Int] = [:]
        var warnings: [AccountKind: Int] = [:]
        for kind in AccountKind.allCases {
            ages[kind] = maxPasswordAgeDays[kind] ?? 365
            warnings[kind] = passwordWarnDays[kind] ?? 14
        }
        self.maxPasswordAgeDays = ages
        self.passwordWarnDays = warnings
        self.staleLoginDays = staleLoginDays
        self.certificateWarnDays = certificateWarnDays
        self.suspiciousSourceFailures = suspiciousSourceFailures
        self.unknownUserMinimumAttempts = unknownUserMinimumAttempts
        self.retention = retention
    }

    /// The maximum password age of an account kind, in days; 0 means never.
    ///
    /// - Parameter kind: The account kind.
    /// - Returns: Days, or 0.
    public func maxAge(_ kind: AccountKind) -> Int { maxPasswordAgeDays[kind] ?? 365 }

    /// The warning days of an account kind.
    ///
    /// - Parameter kind: The account kind.
    /// - Returns: Days.
    public func warnDays(_ kind: AccountKind) -> Int { passwordWarnDays[kind] ?? 14 }
}

extension ReportPolicy {
    /// The report's values as the policy file sets them: rotation per kind, the
    /// certificate warning period and the retention periods.
    ///
    /// - Parameter policy: The loaded policy.
    public init(policy: WachterPolicy) {
        var ages: [AccountKind: Int] = [:]
        var warnings: [AccountKind: Int] = [:]
        for kind in AccountKind.allCases {
            let rotation = policy.settings(forKind: kind.rawValue).rotation
            ages[kind] = rotation.maxAgeDays
            warnings[kind] = rotation.warnDays
        }
        self.init(
            maxPasswordAgeDays: ages, passwordWarnDays: warnings, certificateWarnDays: policy.tls.warnDays,
            retention: RetentionPeriods(policy: policy))
    }
}

extension RetentionPeriods {
    /// The retention periods of the policy file's `[retention]` section; the
    /// history depth is the deepest of any kind's `reuse.history`.
    ///
    /// - Parameter policy: The loaded policy.
    public init(policy: WachterPolicy) {
        self.init(
            loginEventsDays: policy.retention.loginEventsDays, siteChecksDays: policy.retention.siteChecksDays,
            auditDays: policy.retention.auditDays,
            passwordHistoryDepth: AccountKind.allCases.map { policy.settings(forKind: $0.rawValue).reuse.history }.max() ?? 5)
        loginSourceDays = min(policy.retention.loginSourceDays, policy.retention.loginEventsDays)
    }
}
