public import Foundation

/// Which accounts a report query selects.
public enum AccountCondition: Sendable {
    /// Passwords set before the cutoff of their kind (kinds not listed never match);
    /// accounts that must change their password are left out.
    case passwordSetBefore([AccountKind: Date])
    /// Passwords set in `[from, to)` of their kind; must-change accounts are left out.
    case passwordSetBetween([AccountKind: Range<Date>])
    /// Accounts that must change their password at the next login.
    case mustChange
    /// Accounts locked by the operator, or by the lockout policy at the given time.
    case locked(at: Date)
    /// Accounts whose last login (or, never having logged in, whose creation) is before the date.
    case noLoginSince(Date)
}

/// An account with its customer's name, as report queries return it.
public struct AccountRow: Sendable {
    /// The account (with its hash: it must not leave the library).
    public var account: Account
    /// The customer's name.
    public var customerName: String
}

/// Failed logins against one account in a period.
public struct AccountFailures: Sendable, Equatable {
    /// Failed attempts.
    public var attempts: Int
    /// The last one.
    public var last: Date?
    /// Their sources, most first.
    public var sources: [Attempts]
}

/// Unknown user names tried in a period, in all.
public struct UnknownUserTotals: Sendable, Equatable {
    /// Attempts with unknown names.
    public var attempts: Int
    /// Different unknown names.
    public var names: Int
}

/// The pruned head of the audit trail: the last removed entry's sequence and hash,
/// which the first kept entry follows.
public struct AuditCheckpoint: Codable, Sendable, Equatable {
    /// The last removed entry's sequence number.
    public var sequence: Int64
    /// The last removed entry's hash, hex.
    public var hash: String
    /// When the last removed entry was written.
    public var time: Date
    /// When the checkpoint was made.
    public var createdAt: Date

    /// Creates a checkpoint.
    ///
    /// - Parameters:
    ///   - sequence: The last removed entry's sequence.
    ///   - hash: Its hash.
    ///   - time: Its time.
    ///   - createdAt: When the checkpoint was made.
    public init(sequence: Int64, hash: String, time: Date, createdAt: Date) {
        self.sequence = sequence
        self.hash = hash
        self.time = time
        self.createdAt = createdAt
    }
}

/// The kinds of record that retention removes, as the retention log names them.
public enum RetainedRecord: String, Sendable, CaseIterable, Codable {
    /// Login events.
    case loginEvents = "login_event"
    /// Stored site checks.
    case siteChecks = "site_check"
    /// Earlier password hashes.
    case passwordHistory = "password_history"
    /// Audit entries (replaced by a checkpoint).
    case auditEntries = "audit"
}
