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
    /// The most recent earlier hashes of an account, newest first.
    func passwordHistory(account: String, limit: Int) throws -> [String]
    /// Login events, newest first.
    func loginEvents(account: String?, since: Date?, failedOnly: Bool, limit: Int?) throws -> [LoginEvent]
    /// When failed attempts (any result but success) happened since `since`, for an
    /// account or from a source address; newest first.
    func failureTimes(account: String?, source: String?, since: Date) throws -> [Date]
    /// The whole audit trail, oldest first.
    func auditEntries() throws -> [AuditEntry]
    /// The newest audit entry.
    func lastAuditEntry() throws -> AuditEntry?
}

/// Changes to the store, valid only inside ``CredentialStore/write(_:)``.
public protocol StoreWriting: StoreReading {
    /// Adds a customer; throws ``WachterError/Code/alreadyExists`` for a taken id.
    func insert(_ customer: Customer) throws
    /// Adds an account; throws ``WachterError/Code/alreadyExists`` for a taken name.
    func insert(_ account: Account) throws
    /// Replaces an account's stored fields.
    func update(_ account: Account) throws
    /// Removes an account and its password history.
    func deleteAccount(named name: String) throws
    /// Records an earlier hash of an account.
    func appendHistory(account: String, hash: String, setAt: Date) throws
    /// Keeps only the newest `keep` history entries of an account.
    func trimHistory(account: String, keep: Int) throws
    /// Records a login attempt.
    func insert(_ event: LoginEvent) throws
    /// Appends an entry to the audit trail.
    func append(_ entry: AuditEntry) throws
}
