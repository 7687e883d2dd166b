public import Foundation

/// The persistence behind Wachter: SQLite by default, PostgreSQL for operators
/// with several servers.
///
/// The store is touched only inside ``read(_:)`` and ``write(_:)`` closures; a
/// write closure is one transaction that either commits whole or not at all,
/// and writes from several processes are serialised.
public protocol CredentialStore: Sendable {
    /// Runs `body` with read access to a consistent snapshot.
    ///
    /// - Parameter body: The reads; the reader must not escape the closure.
    /// - Returns: What `body` returns.
    /// - Throws: ``WachterError`` with code ``WachterError/Code/storeFailure``, or what `body` throws.
    func read<T>(_ body: (any StoreReading) throws -> T) throws -> T

    /// Runs `body` in one exclusive write transaction.
    ///
    /// - Parameter body: The reads and writes; the writer must not escape the closure.
    /// - Returns: What `body` returns.
    /// - Throws: ``WachterError`` with code ``WachterError/Code/storeFailure``, or what `body` throws;
    ///   nothing is written then.
    func write<T>(_ body: (any StoreWriting) throws -> T) throws -> T

    /// The record of the audit trail's head outside the store, moved after each commit
    /// that appends an entry; nil when this store keeps none.
    var auditAnchor: (any AuditAnchor)? { get }
}

/// Queries on the store, valid only inside a ``CredentialStore`` closure.
public protocol StoreReading {
    /// The customer with this id.
    func customer(id: String) throws -> Customer?
    /// All customers, by id.
    func customers() throws -> [Customer]
    /// The account with this name.
    func account(named name: String) throws -> Account?
    /// Accounts, by name, optionally of one kind or one customer.
    func accounts(kind: AccountKind?, customerID: String?) throws -> [Account]
    /// Calls `body` with what an export needs of every account of one kind, by name
    /// (see ``ExportRecord``), without holding them all.
    func forEachExportRecord(kind: AccountKind, _ body: (ExportRecord) throws -> Void) throws
    /// What an export file was when `host` last wrote it (see ``ExportStamp``).
    func exportStamp(host: String, path: String) throws -> ExportStamp?
    /// Every host's export stamps, by host and path.
    func exportStamps() throws -> [ExportStamp]
    /// The hosts whose agents registered (docs/HOSTS.md), by name.
    func hosts() throws -> [HostRecord]
    /// The latest run of each once-per-business job, by job.
    func jobRuns() throws -> [JobRun]
    /// The most recent earlier hashes of an account, newest first.
    func passwordHistory(account: String, limit: Int) throws -> [String]
    /// Login events, newest first.
    func loginEvents(account: String?, since: Date?, failedOnly: Bool, limit: Int?) throws -> [LoginEvent]
    /// Login events that still have a source, by id from after `id`, at most `limit` (key rotation walks them).
    func loginEventsWithSource(afterID id: Int64, limit: Int) throws -> [LoginEvent]
    /// When failed attempts (any result but success) happened since `since`, for an
    /// account or from a source (by its ``LoginEvent/sourceDigest``); newest first.
    func failureTimes(account: String?, sourceDigest: String?, since: Date) throws -> [Date]
    /// How many failures (`failure` or `unknown-user`, not ``LoginEvent/repeated``) were
    /// recorded since `since` by every host, for an account or from a source digest; for an
    /// account, only those recorded after its latest recorded success (a success ends the count).
    func countedFailures(account: String?, sourceDigest: String?, since: Date) throws -> Int
    /// The site with this domain.
    func site(domain: String) throws -> Site?
    /// Sites, by domain, optionally of one customer.
    func sites(customerID: String?) throws -> [Site]
    /// The whole audit trail, oldest first.
    func auditEntries() throws -> [AuditEntry]
    /// The newest audit entry.
    func lastAuditEntry() throws -> AuditEntry?
    /// Audit entries after `sequence` whose action is one of `actions`, oldest first, at most `limit`.
    func auditEntries(after sequence: Int64, actions: Set<String>, limit: Int) throws -> [AuditEntry]

    // Report queries: each aggregates in the store, so that a report over a large
    // store reads only what it shows (docs/REPORT.md).

    /// Accounts matching a condition, by customer and name, at most `limit`, and how many match in all.
    func accounts(matching condition: AccountCondition, limit: Int) throws -> (total: Int, rows: [AccountRow])
    /// Calls `body` for every account, by customer and name, without holding them all.
    func forEachAccount(_ body: (AccountRow) throws -> Void) throws
    /// Successful and other logins per UTC day (days since 1970) in `[from, to)`.
    func loginsPerDay(from: Date, to: Date) throws -> [(day: Int, logins: Int, failed: Int)]
    /// Sources with at least `minimum` failed logins in `[from, to)`, most first, at most `limit`,
    /// each with the `accountsPerSource` names it tried most; and how many sources qualify.
    func failedSources(from: Date, to: Date, minimum: Int, limit: Int, accountsPerSource: Int) throws
        -> (total: Int, sources: [SourceFinding])
    /// Failed logins against each of `accounts` in `[from, to)`.
    func failures(of accounts: [String], from: Date, to: Date, sourcesPerAccount: Int) throws -> [String: AccountFailures]
    /// All unknown-user attempts and names in `[from, to)`, and the names tried at least
    /// `minimum` times, most tried first.
    func unknownUsers(from: Date, to: Date, minimum: Int) throws -> (totals: UnknownUserTotals, names: [UnknownUser])
    /// Audit entries from `from` on, oldest first, at most `limit`, and how many there are.
    func auditEntries(from: Date, limit: Int) throws -> (total: Int, entries: [AuditEntry], counts: [String: Int])
    /// The audit trail's checkpoint, once `prune` removed its head.
    func auditCheckpoint() throws -> AuditCheckpoint?
    /// The customers an erasure kept under a fiscal hold, soonest released first, at most
    /// `limit`, and how many there are.
    func heldCustomers(limit: Int) throws -> (total: Int, customers: [Customer])
    /// What retention removed in `[from, to)`, per record kind, and how many prune runs there were.
    func retentionRemovals(from: Date, to: Date) throws -> (runs: Int, removed: [RetainedRecord: Int])
    /// Every site with the latest check of each endpoint (a site never checked once,
    /// without a check), or nil when the store has no site tables.
    func latestSiteChecks() throws -> [SiteLatestCheck]?
}

/// Changes to the store, valid only inside ``CredentialStore/write(_:)``.
public protocol StoreWriting: StoreReading {
    /// Adds a customer; throws ``WachterError/Code/alreadyExists`` for a taken id.
    func insert(_ customer: Customer) throws
    /// Replaces a customer's stored fields (all but the id and when it was added).
    func update(_ customer: Customer) throws
    /// Adds an account; throws ``WachterError/Code/alreadyExists`` for a taken name.
    func insert(_ account: Account) throws
    /// Replaces an account's stored fields.
    func update(_ account: Account) throws
    /// Removes an account and its password history.
    func deleteAccount(named name: String) throws
    /// Records an earlier hash of an account, keeping only its newest `keep` earlier hashes.
    func appendHistory(account: String, hash: String, setAt: Date, keep: Int) throws
    /// Adds a site; throws ``WachterError/Code/alreadyExists`` for a taken domain.
    func insert(_ site: Site) throws
    /// Removes a site and its endpoints; its stored checks stay until retention removes them.
    func deleteSite(domain: String) throws
    /// Adds an endpoint to a site (which then is no longer files-only).
    func insert(_ endpoint: SiteEndpoint, domain: String) throws
    /// Removes a site's endpoint; returns whether it existed.
    func deleteEndpoint(domain: String, connect: String) throws -> Bool
    /// Stores the result of a certificate check.
    func insert(_ check: SiteCheckResult) throws
    /// Records login attempts, in order (one statement per batch where the backend allows).
    func insert(_ events: [LoginEvent]) throws
    /// Replaces a login event's source and source digest (key rotation).
    func updateLoginSource(id: Int64, source: String?, sourceDigest: String?) throws
    /// Removes the source (keeping its digest) of login events before `cutoff`; returns how many.
    func dropLoginSources(before cutoff: Date) throws -> Int
    /// Appends an entry to the audit trail.
    func append(_ entry: AuditEntry) throws
    /// Records what an export file is after its host wrote it.
    func setExportStamp(_ stamp: ExportStamp) throws
    /// Adds or replaces a host's record.
    func upsert(_ host: HostRecord) throws
    /// Records a job's latest run, replacing the one before.
    func setJobRun(_ run: JobRun) throws

    // Retention.

    /// Removes login events before `cutoff`; returns how many.
    func deleteLoginEvents(before cutoff: Date) throws -> Int
    /// Removes stored site checks before `cutoff`; returns how many, or nil when there is no such table.
    func deleteSiteChecks(before cutoff: Date) throws -> Int?
    /// Removes earlier hashes set before `cutoff` (when given) and beyond the newest `keep` of each account.
    func deletePasswordHistory(before cutoff: Date?, keep: Int) throws -> Int
    /// Removes the audit trail's head through `sequence` and records `checkpoint` in its place.
    func pruneAudit(through checkpoint: AuditCheckpoint) throws -> Int
    /// Records in the retention log what one prune run removed.
    func recordRetention(time: Date, record: RetainedRecord, removed: Int, cutoff: Date) throws

    // Erasure (docs/PRIVACY.md): what is removed must not stay readable in the store's files.

    /// Removes a customer's accounts (with their password history and login events), sites
    /// (with endpoints and checks), and then the customer row, or, when `held` is given,
    /// replaces the row by `held` (the fields kept for a fiscal hold).
    func eraseCustomer(id: String, keeping held: Customer?) throws -> CustomerErasure
    /// Replaces the target and detail of these audit entries (those with a personal digest)
    /// by `marker`; returns how many were replaced.
    func eraseAuditParts(sequences: [Int64], marker: String) throws -> Int
    /// Removes the customers held until before `cutoff`; returns their ids.
    func deleteHeldCustomers(before cutoff: Date) throws -> [String]
}

/// What ``StoreWriting/eraseCustomer(id:keeping:)`` removed.
public struct CustomerErasure: Sendable, Equatable, Codable {
    /// Accounts removed.
    public var accounts: Int
    /// Login events of those accounts removed.
    public var loginEvents: Int
    /// Sites removed.
    public var sites: Int
    /// Stored checks of those sites removed.
    public var siteChecks: Int

    /// Creates the counts.
    public init(accounts: Int = 0, loginEvents: Int = 0, sites: Int = 0, siteChecks: Int = 0) {
        self.accounts = accounts
        self.loginEvents = loginEvents
        self.sites = sites
        self.siteChecks = siteChecks
    }
}

extension StoreWriting {
    /// Records one login attempt.
    ///
    /// - Parameter event: The attempt.
    /// - Throws: As ``StoreWriting/insert(_:)-([LoginEvent])``.
    public func insert(_ event: LoginEvent) throws { try insert([event]) }
}
