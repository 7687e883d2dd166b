public import Foundation

/// A hosting customer: the person or company that owns accounts and sites.
public struct Customer: Codable, Sendable, Equatable {
    /// A short stable id, such as `bakkerij-jansen`.
    public var id: String
    /// The customer's name.
    public var name: String
    /// The company, where there is one.
    public var company: String?
    /// The contact address, where there is one.
    public var email: String?
    /// When the customer was added.
    public var createdAt: Date
    /// The street address, where known.
    public var address: String?
    /// The postal code, where known.
    public var postcode: String?
    /// The city, where known.
    public var city: String?
    /// The customer's website, where there is one.
    public var website: String?
    /// A telephone number, where known.
    public var phone: String?
    /// Until when the name, company, address, postal code and city are kept after an
    /// erasure, for the fiscal obligation (invoices); nil for a customer who was not erased.
    public var heldUntil: Date?

    /// Creates a customer record.
    public init(
        id: String, name: String, company: String? = nil, email: String? = nil, createdAt: Date,
        address: String? = nil, postcode: String? = nil, city: String? = nil, website: String? = nil,
        phone: String? = nil, heldUntil: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.company = company
        self.email = email
        self.createdAt = createdAt
        self.address = address
        self.postcode = postcode
        self.city = city
        self.website = website
        self.phone = phone
        self.heldUntil = heldUntil
    }
}

/// One login of a customer: a mailbox, an FTP or SSH user, or a panel login.
///
/// Its `Encodable` form leaves out the hash, so that no listing, export to
/// JSON or report can hold one.
public struct Account: Sendable, Equatable {
    /// The account's canonical name.
    public var name: String
    /// What kind of login it is.
    public var kind: AccountKind
    /// The id of the customer who owns it.
    public var customerID: String
    /// The crypt(3) hash string of its password.
    public var hash: String
    /// When the password was last set.
    public var passwordSetAt: Date
    /// Whether the password must be changed at the next login (after a reset).
    public var mustChange: Bool
    /// Whether the operator locked the account; it stays locked until unlocked.
    public var locked: Bool
    /// Until when the lockout policy locks the account after failed logins.
    public var lockedUntil: Date?
    /// Consecutive failed logins since the last success.
    public var failures: Int
    /// The last successful login.
    public var lastLogin: Date?
    /// When the account was added.
    public var createdAt: Date

    /// Creates an account record.
    public init(
        name: String, kind: AccountKind, customerID: String, hash: String, passwordSetAt: Date,
        mustChange: Bool = false, locked: Bool = false, lockedUntil: Date? = nil, failures: Int = 0,
        lastLogin: Date? = nil, createdAt: Date
    ) {
        self.name = name
        self.kind = kind
        self.customerID = customerID
        self.hash = hash
        self.passwordSetAt = passwordSetAt
        self.mustChange = mustChange
        self.locked = locked
        self.lockedUntil = lockedUntil
        self.failures = failures
        self.lastLogin = lastLogin
        self.createdAt = createdAt
    }

    /// Whether the account refuses logins at `now`, by the operator's lock or the lockout policy.
    ///
    /// - Parameter now: The current time.
    /// - Returns: Whether logins are refused.
    public func isLocked(at now: Date) -> Bool {
        locked || (lockedUntil.map { $0 > now } ?? false)
    }
}

extension Account: Encodable {
    private enum CodingKeys: String, CodingKey {
        case name, kind, customer, passwordSetAt, mustChange, locked, lockedUntil, failures, lastLogin, createdAt
    }

    /// Encodes every field but the hash.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(kind, forKey: .kind)
        try container.encode(customerID, forKey: .customer)
        try container.encode(passwordSetAt, forKey: .passwordSetAt)
        try container.encode(mustChange, forKey: .mustChange)
        try container.encode(locked, forKey: .locked)
        try container.encodeIfPresent(lockedUntil, forKey: .lockedUntil)
        try container.encode(failures, forKey: .failures)
        try container.encodeIfPresent(lastLogin, forKey: .lastLogin)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

/// How a login attempt ended.
public enum LoginResult: String, Codable, Sendable, CaseIterable {
    case success
    case failure
    case locked
    case expired
    case unknownUser = "unknown-user"
}

/// One recorded login attempt.
public struct LoginEvent: Codable, Sendable, Equatable {
    /// The store's row id, once stored.
    public var id: Int64?
    /// When the attempt was made.
    public var time: Date
    /// The account name as given (for an unknown user, what was tried).
    public var account: String
    /// The service that asked, such as `dovecot`, `sshd` or `cli`.
    public var service: String
    /// The client's address, where known.
    public var source: String?
    /// How it ended.
    public var result: LoginResult
    /// A short reason, never the password.
    public var reason: String?
    /// The keyed digest of the source address, for lookups by equality (throttling, the
    /// report's grouping); set by the services as the event is stored, kept after
    /// `[retention] login_source_days` drops the address itself.
    public var sourceDigest: String?
    /// A failure with the same wrong password as one the agent counted within the lockout
    /// window: recorded, but not counted towards a lockout again (on any host).
    public var repeated: Bool = false

    /// Creates a login event.
    public init(
        id: Int64? = nil, time: Date, account: String, service: String, source: String?, result: LoginResult,
        reason: String? = nil, sourceDigest: String? = nil, repeated: Bool = false
    ) {
        self.repeated = repeated
        self.id = id
        self.time = time
        self.account = account
        self.service = service
        self.source = source
        self.result = result
        self.reason = reason
        self.sourceDigest = sourceDigest
    }
}

/// One entry of the operator audit trail, chained to the one before by SHA-256.
public struct AuditEntry: Codable, Sendable, Equatable {
    /// The entry's position in the chain, from 1.
    public var sequence: Int64
    /// When the action happened.
    public var time: Date
    /// Who did it: the Unix user (and the user behind sudo).
    public var actor: String
    /// What was done, such as `account.add` or `reset`.
    public var action: String
    /// What it was done to, such as an account name.
    public var target: String
    /// Non-secret details.
    public var detail: String
    /// The previous entry's hash, hex; 64 zeros for the first entry.
    public var previousHash: String
    /// This entry's hash, hex.
    public var hash: String
    /// The SHA-256 of the entry's personal parts (target and detail), which the chain covers
    /// instead of the parts themselves, so that an erasure can remove them; nil for entries
    /// written before `v9-audit-personal-digest`, whose hash covers the parts directly.
    public var personalDigest: String?
    /// The host whose store connection appended it (docs/HOSTS.md), so that a host does not
    /// follow its own changes again; outside the chain's hash, nil before `v10-hosts`.
    public var host: String?

    /// Creates an audit entry.
    public init(
        sequence: Int64, time: Date, actor: String, action: String, target: String, detail: String,
        previousHash: String, hash: String, personalDigest: String? = nil, host: String? = nil
    ) {
        self.host = host
        self.personalDigest = personalDigest
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.action = action
        self.target = target
        self.detail = detail
        self.previousHash = previousHash
        self.hash = hash
    }
}
