public import Foundation
internal import GRDB
internal import Glibc
internal import Logging

/// The embedded store: one SQLite file in WAL mode, reached through a GRDB
/// `DatabasePool`: reads run beside each other and beside the one writer.
///
/// The file is created 0600 in a 0700 directory and refused when other users
/// can read it. Writes are IMMEDIATE transactions with a busy timeout, so that
/// several `wachter` processes at once wait for each other instead of failing.
public final class SQLiteStore: CredentialStore {
    /// How long a write waits for another process's transaction.
    public static let busyTimeout: TimeInterval = 15

    /// The store file's path.
    public let path: String
    /// The file beside the store that records the audit trail's head (``AuditAnchorFile``).
    public let auditAnchor: (any AuditAnchor)?
    private let pool: DatabasePool
    let logger = Logger(label: "wachter")

    /// Opens the store at `path`, creating it if `create` is set, and brings its schema up to date.
    ///
    /// - Parameters:
    ///   - path: The SQLite file.
    ///   - create: Whether to create a missing file (and its directory, 0700).
    /// - Throws: ``WachterError`` with ``WachterError/Code/storeMissing``,
    ///   ``WachterError/Code/storeInsecure`` or ``WachterError/Code/storeFailure``.
    public convenience init(path: String, create: Bool = false, host: String? = nil) throws {
        try self.init(path: path, create: create, migrateUpTo: nil, host: host)
    }

    /// The host the store was opened on, written with each audit entry (docs/HOSTS.md).
    public let host: String?

    /// The migrations a new store gets, in order.
    public static var migrationNames: [String] { Schema.migrator.migrations }

    /// Opens the store, applying migrations only up to `migrateUpTo` (tests of upgrades).
    init(path: String, create: Bool, migrateUpTo last: String?, host: String? = nil) throws {
        self.path = path
        self.host = host
        let anchor = AuditAnchorFile(store: path)
        auditAnchor = anchor
        let isNew = !FileManager.default.fileExists(atPath: path)
        try StoreFiles.prepare(path: path, create: create)
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "wachter"
        // Deleted rows are overwritten with zeros, so that an erased customer's rows do not
        // stay in free pages of the file (docs/PRIVACY.md).
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
        do {
            // SQLite gives the -wal and -shm files the main file's mode; the umask
            // covers the moment the main file is created.
            let previous = umask(0o077)
            defer { umask(previous) }
            pool = try DatabasePool(path: path, configuration: configuration)
            if let last {
                try Schema.migrator.migrate(pool, upTo: last)
            } else {
                try Schema.migrator.migrate(pool)
            }
        } catch {
            throw Self.mapped(error, "cannot open the store \(path)")
        }
        // A new store's trail is empty; an anchor left by an earlier store at this path would lead it.
        if isNew { try anchor.reset(to: .genesis) }
    }

    /// The names of the schema migrations applied to this store, oldest first.
    ///
    /// - Returns: Migration identifiers such as `v1-accounts`.
    /// - Throws: ``WachterError/Code/storeFailure``.
    public func appliedMigrations() throws -> [String] {
        do {
            let applied = try pool.read { db in try Schema.migrator.appliedIdentifiers(db) }
            // In the order they were written (v10 after v9), any unknown to this version last.
            return Self.migrationNames.filter(applied.contains) + applied.subtracting(Self.migrationNames).sorted()
        } catch {
            throw Self.mapped(error, "cannot read the store's migrations")
        }
    }

    public func read<T>(_ body: (any StoreReading) throws -> T) throws -> T {
        do {
            return try pool.read { db in try body(SQLiteAccess(db: db)) }
        } catch {
            throw Self.mapped(error, "cannot read the store \(path)")
        }
    }

    public func write<T>(_ body: (any StoreWriting) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                let appended = AppendedAuditHead()
                // IMMEDIATE takes the write lock up front, so that the busy timeout
                // applies; a deferred transaction that upgrades fails at once.
                try db.inTransaction(.immediate) {
                    result = try body(SQLiteAccess(db: db, appendedAudit: appended, host: host))
                    return .commit
                }
                // Only after the commit, so that the anchor never leads the trail.
                if let head = appended.head { anchorAudit(head, db) }
                // Best effort: a reader holding an old snapshot keeps the WAL until it ends;
                // the next erasure or SQLite's own checkpoint then overwrites it.
                if appended.erased { _ = try? db.checkpoint(.truncate) }
                return result!
            }
        } catch {
            throw Self.mapped(error, "cannot write the store \(path)")
        }
    }

    static func mapped(_ error: any Error, _ context: String) -> any Error {
        if let database = error as? DatabaseError {
            if database.resultCode == .SQLITE_CONSTRAINT {
                return WachterError(.alreadyExists, "\(context): a record with that key exists already")
            }
            // Only the result code and SQLite's own message: DatabaseError's
            // description would also show the SQL statement.
            return WachterError(
                .storeFailure, context,
                cause: "SQLite error \(database.resultCode.primaryResultCode.rawValue): \(database.message ?? "unknown")")
        }
        // Anything else was thrown by the caller's closure: it passes through unchanged.
        return error
    }
}

/// Where the store lives and the checks on its file modes.
public enum StoreFiles {
    /// The default store: `/var/lib/wachter/wachter.sqlite` for root, else the
    /// user's data directory (`$XDG_DATA_HOME/wachter` or `~/.local/share/wachter`).
    ///
    /// - Parameter environment: The process environment.
    /// - Returns: The path.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if geteuid() == 0 { return "/var/lib/wachter/wachter.sqlite" }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/wachter/wachter.sqlite" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/wachter/wachter.sqlite"
    }

    /// Checks (and, with `create`, makes) the store's directory and file modes.
    ///
    /// - Parameters:
    ///   - path: The store file.
    ///   - create: Whether a missing file and directory may be created.
    /// - Throws: ``WachterError/Code/storeMissing`` or ``WachterError/Code/storeInsecure``.
    public static func prepare(path: String, create: Bool) throws(WachterError) {
        let files = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        if !files.fileExists(atPath: path) {
            guard create else {
                throw WachterError(.storeMissing, "there is no store at \(path); run `wachter init` first, or give --store")
            }
            if !files.fileExists(atPath: directory) {
                do {
                    try files.createDirectory(
                        atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                } catch {
                    throw WachterError(
                        .storeFailure, "cannot create the store's directory \(directory): \(FileAccess.reason(of: error))")
                }
            }
        }
        if let mode = permissions(directory), mode & 0o022 != 0 {
            throw WachterError(
                .storeInsecure,
                "the store's directory \(directory) can be changed by other users (mode \(octal(mode))); run `chmod 700 \(directory)`"
            )
        }
        for file in [path, path + "-wal", path + "-shm", AuditAnchorFile.path(forStore: path)] {
            if let mode = permissions(file), mode & 0o077 != 0 {
                throw WachterError(
                    .storeInsecure,
                    "the store file \(file) can be read by other users (mode \(octal(mode))); run `chmod 600 \(file)`")
            }
        }
    }

    private static func permissions(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
    }

    private static func octal(_ mode: Int) -> String { "0" + String(mode, radix: 8) }
}
