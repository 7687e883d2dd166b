internal import Foundation
public import Logging
internal import PostgresNIO
internal import Synchronization

/// The shared store for several servers: one PostgreSQL database, reached through
/// postgres-nio's `PostgresConnection`.
///
/// It keeps the contract of ``CredentialStore`` exactly as ``SQLiteStore`` does:
/// a read sees one snapshot (`REPEATABLE READ READ ONLY`); a write is one
/// transaction that first takes a transaction-scoped advisory lock, so that writes
/// from every host are serialised as SQLite serialises the writes of processes on
/// one host: the audit chain stays one unbroken chain, and lockout counts and
/// password history lose no concurrent update. Connections are kept for reuse; a
/// connection that fails is dropped, and the next operation connects again to the
/// first server that answers and is writable (a promoted standby takes over).
///
/// The schema is made by named migrations (the same names as SQLite's), applied
/// under a session advisory lock, so that two hosts running `wachter init` at once
/// are safe.
public final class PostgresStore: CredentialStore {
    /// The store URL.
    public let location: PostgresLocation
    /// PostgreSQL keeps no anchor file: the trail's head lives with the shared database.
    public var auditAnchor: (any AuditAnchor)? { nil }

    let logger: Logger
    /// The host the store was opened on, written with each audit entry.
    public let host: String?
    private let idle = Mutex<[PostgresSession]>([])
    private static let idleLimit = 8

    /// The advisory lock every write transaction takes (the serialisation of writes).
    static let writeLock: Int64 = 0x7761_6368_7465_7201
    /// The advisory lock `init` and a migrating open hold.
    static let migrationLock: Int64 = 0x7761_6368_7465_7202

    /// Connects to the store and brings its schema up to date.
    ///
    /// - Parameters:
    ///   - location: The store URL.
    ///   - create: Whether a database without Wachter's tables may be given them;
    ///     without it such a database is refused with ``WachterError/Code/storeMissing``.
    ///   - logger: The logger.
    /// - Throws: ``WachterError/Code/storeUnavailable`` when no server answers, or another store error.
    ///   - host: The host it is opened on, written with each audit entry (docs/HOSTS.md).
    public convenience init(
        location: PostgresLocation, create: Bool = false, logger: Logger = Logger(label: "wachter"), host: String? = nil
    ) throws {
        try self.init(location: location, create: create, migrateUpTo: nil, logger: logger, host: host)
    }

    /// Connects, applying migrations only up to `migrateUpTo` (tests of upgrades).
    init(location: PostgresLocation, create: Bool, migrateUpTo last: String?, logger: Logger, host: String? = nil) throws {
        self.location = location
        self.host = host
        self.logger = logger
        try withSession { session in
            try PostgresSchema.migrate(session, create: create, upTo: last, location: location)
        }
    }

    deinit {
        for session in idle.withLock({ $0 }) { session.close() }
    }

    /// The migrations a new store gets, in order.
    public static var migrationNames: [String] { PostgresSchema.migrations.map(\.name) }

    /// The names of the schema migrations applied to this store, oldest first.
    ///
    /// - Returns: Migration identifiers such as `v1-accounts`.
    /// - Throws: ``WachterError/Code/storeFailure``.
    public func appliedMigrations() throws -> [String] {
        let applied = Set(try withSession { session in try PostgresSchema.applied(session) })
        // In the order they were written (v10 after v9), any unknown to this version last.
        return Self.migrationNames.filter(applied.contains) + applied.subtracting(Self.migrationNames).sorted()
    }

    public func read<T>(_ body: (any StoreReading) throws -> T) throws -> T {
        try withSession(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { session in
            try finish(session, body(PostgresAccess(session: session, host: host)))
        }
    }

    public func write<T>(_ body: (any StoreWriting) throws -> T) throws -> T {
        try withSession(begin: "BEGIN") { session in
            try session.query("SELECT pg_advisory_xact_lock(\(Self.writeLock))")
            return try finish(session, body(PostgresAccess(session: session, host: host)))
        }
    }

    /// Commits after a body that returned; rolls back after one that threw.
    private func finish<T>(_ session: PostgresSession, _ value: @autoclosure () throws -> T) throws -> T {
        let result: T
        do {
            result = try value()
        } catch {
            if !session.isClosed { _ = try? session.query("ROLLBACK") }
            throw error
        }
        try session.query("COMMIT")
        return result
    }

    /// Runs `body` on a session from the idle list, or a new one.
    ///
    /// When `begin` (the transaction's first statement) fails because the connection
    /// is gone (the server restarted, or turned standby), the work is tried once more
    /// on a new connection: nothing has happened yet. A failure later drops the
    /// connection and is returned, since the work may have happened.
    func withSession<T>(begin: PostgresQuery? = nil, _ body: (PostgresSession) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            let session = try takeIdle() ?? PostgresSession.connect(to: location, logger: logger)
            if let begin {
                do {
                    // A server gone since the session was last used may leave a query
                    // unanswered: the first statement waits only as long as a connect may.
                    try session.query(begin, timeout: session.connectTimeout)
                } catch {
                    session.close()
                    if attempt == 1 && Self.isConnectionLoss(error) { continue }
                    throw mapped(error, session: session)
                }
            }
            do {
                let result = try body(session)
                release(session)
                return result
            } catch {
                if session.isClosed || Self.isConnectionLoss(error) { session.close() } else { release(session) }
                throw mapped(error, session: session)
            }
        }
    }

    /// An idle session whose connection is still open; closed ones are dropped.
    private func takeIdle() -> PostgresSession? {
        while let session = idle.withLock({ $0.popLast() }) {
            if !session.isClosed { return session }
            session.close()
        }
        return nil
    }

    private func release(_ session: PostgresSession) {
        guard !session.isClosed else { return }
        let kept = idle.withLock { sessions in
            guard sessions.count < Self.idleLimit else { return false }
            sessions.append(session)
            return true
        }
        if !kept { session.close() }
    }

    /// Whether an error means the connection is unusable: the driver lost it, a wait
    /// timed out, or the server refuses writes now (a primary turned standby).
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if error is PostgresSession.TimedOut { return true }
        guard let error = error as? PSQLError else { return false }
        guard let info = error.serverInfo else { return true }
        // 25006: read-only transaction; 57P01..57P03: the server is shutting down or starting.
        let state = info[.sqlState] ?? ""
        return state == "25006" || state.hasPrefix("57P") || state.hasPrefix("08")
    }

    /// Turns the driver's errors into ``WachterError``; what the caller's closure threw passes through.
    private func mapped(_ error: any Error, session: PostgresSession) -> any Error {
        if error is WachterError { return error }
        if let error = error as? PSQLError, let info = error.serverInfo {
            let state = info[.sqlState] ?? ""
            if state.hasPrefix("23") {
                return WachterError(.alreadyExists, "cannot write the store \(location): a record with that key exists already")
            }
            if state == "25006" {
                return WachterError(
                    .storeUnavailable, "cannot write the store \(location): \(session.server) became read-only (a standby)")
            }
            return WachterError(
                .storeFailure, "cannot use the store \(location)",
                cause: "PostgreSQL error \(state): \(info[.message] ?? "unknown")")
        }
        if error is PSQLError || error is PostgresSession.TimedOut {
            return WachterError(
                .storeUnavailable, "lost the store \(location)",
                cause: "\(session.server): \(PostgresSession.describe(error, timeout: location.connectTimeout))")
        }
        return error
    }
}
