internal import Foundation

/// Every table of the store, described once for both backends, so that a whole store
/// can be moved between them (``StoreCopy``): the columns each table has in every
/// backend, in an order that keeps foreign keys satisfied.
public enum StoreTable: String, Sendable, CaseIterable {
    case customer, account, passwordHistory = "password_history", loginEvent = "login_event", audit
    case auditCheckpoint = "audit_checkpoint", retentionLog = "retention_log", site
    case siteEndpoint = "site_endpoint", siteCheck = "site_check", exportStamp = "export_stamp"
    case host, jobRun = "job_run"

    /// A column's kind, as both backends store it.
    public enum Kind: Sendable {
        /// Text (SQLite TEXT, PostgreSQL text).
        case text
        /// A whole number (INTEGER, bigint or integer).
        case integer
        /// A flag (INTEGER 0/1, boolean).
        case flag
        /// A time (REAL seconds since 1970, timestamptz).
        case time
        /// A time kept bit for bit, because it is hashed (REAL; timestamptz plus the double `epoch`).
        case exactTime
    }

    /// The columns, in the order rows carry them; the first is the order rows are copied in.
    public var columns: [(name: String, kind: Kind)] {
        switch self {
        case .customer:
            [
                ("id", .text), ("name", .text), ("company", .text), ("email", .text), ("created_at", .time),
                ("address", .text), ("postcode", .text), ("city", .text), ("website", .text), ("phone", .text),
                ("held_until", .time),
            ]
        case .account:
            [
                ("name", .text), ("kind", .text), ("customer_id", .text), ("hash", .text), ("password_set_at", .time),
                ("must_change", .flag), ("locked", .flag), ("locked_until", .time), ("failures", .integer),
                ("last_login", .time), ("created_at", .time),
            ]
        case .passwordHistory:
            [("id", .integer), ("account", .text), ("hash", .text), ("set_at", .time)]
        case .loginEvent:
            [
                ("id", .integer), ("time", .time), ("account", .text), ("service", .text), ("source", .text),
                ("result", .text), ("reason", .text), ("source_digest", .text), ("repeated", .flag),
            ]
        case .audit:
            [
                ("sequence", .integer), ("time", .exactTime), ("actor", .text), ("action", .text), ("target", .text),
                ("detail", .text), ("previous_hash", .text), ("hash", .text), ("personal_digest", .text),
                ("host", .text),
            ]
        case .auditCheckpoint:
            [("id", .integer), ("sequence", .integer), ("hash", .text), ("time", .exactTime), ("created_at", .time)]
        case .retentionLog:
            [("id", .integer), ("run", .time), ("record", .text), ("removed", .integer), ("cutoff", .time)]
        case .site:
            [
                ("domain", .text), ("customer_id", .text), ("connect", .text), ("cert_file", .text), ("key_file", .text),
                ("created_at", .time), ("files_only", .flag),
            ]
        case .siteEndpoint:
            [("id", .integer), ("domain", .text), ("connect", .text), ("starttls", .text)]
        case .siteCheck:
            [
                ("id", .integer), ("domain", .text), ("checked_at", .time), ("verdict", .text), ("problems", .text),
                ("not_after", .time), ("endpoint", .text), ("starttls", .text), ("codes", .text),
                ("sources", .text),
            ]
        case .exportStamp:
            [("host", .text), ("path", .text), ("identity", .text), ("settings", .text), ("written_at", .time)]
        case .host:
            [("name", .text), ("version", .text), ("started_at", .time), ("last_seen", .time), ("change_position", .integer)]
        case .jobRun:
            [("job", .text), ("host", .text), ("started_at", .time), ("finished_at", .time), ("outcome", .text)]
        }
    }

    /// Whether the first column alone tells rows apart, so that rows can be read in pages by it
    /// (export stamps are keyed by host and path: a few per host, read at once).
    var keyIsUnique: Bool { self != .exportStamp }

    /// Whether the first column is a generated row number (SQLite's rowid for site endpoints).
    var keyIsRowNumber: Bool { self == .siteEndpoint }

    /// Whether the first column is a number that the store generates (an identity column in PostgreSQL).
    var hasGeneratedKey: Bool { [.passwordHistory, .loginEvent, .retentionLog, .siteEndpoint, .siteCheck].contains(self) }
}

/// One value of a row being copied.
public enum StoreValue: Sendable, Equatable {
    case null
    case text(String)
    case integer(Int64)
    case flag(Bool)
    case time(Double)
}

/// Reading and writing whole tables, for ``StoreCopy``; each backend's access conforms.
protocol StoreTableAccess {
    /// Calls `body` with the rows of a table in the order of its first column, a page at a time.
    func forEachRow(of table: StoreTable, _ body: ([StoreValue]) throws -> Void) throws
    /// Inserts rows, keeping every column as given.
    func insertRows(_ rows: [[StoreValue]], into table: StoreTable) throws
    /// How many rows a table holds.
    func count(of table: StoreTable) throws -> Int
    /// Removes every row of every table.
    func deleteAllRows() throws
    /// Makes generated keys continue after the copied ones.
    func finishCopy() throws
}
