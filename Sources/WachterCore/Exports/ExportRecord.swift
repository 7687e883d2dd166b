public import Foundation

/// The fields of an account that an export line needs, read from the store in one pass.
public struct ExportRecord: Sendable, Equatable {
    /// The account's name as stored.
    public var name: String
    /// Its customer.
    public var customerID: String
    /// Its crypt(3) hash.
    public var hash: String
    /// Whether the operator locked it.
    public var locked: Bool

    /// Creates a record.
    public init(name: String, customerID: String, hash: String, locked: Bool) {
        self.name = name
        self.customerID = customerID
        self.hash = hash
        self.locked = locked
    }
}

extension StoreReading {
    /// Calls `body` with what an export needs of every account of one kind, by name,
    /// through ``accounts(kind:customerID:)``; a store may answer with a narrower
    /// query, one row at a time.
    ///
    /// - Parameters:
    ///   - kind: The kind.
    ///   - body: Called once per account, in name order.
    /// - Throws: What the store or `body` throws.
    public func forEachExportRecord(kind: AccountKind, _ body: (ExportRecord) throws -> Void) throws {
        for account in try accounts(kind: kind, customerID: nil) {
            try body(ExportRecord(name: account.name, customerID: account.customerID, hash: account.hash, locked: account.locked))
        }
    }
}

/// What an export file was when Wachter last wrote it on one host: its identity
/// (device, inode, size, modification time) and a digest of the settings it was
/// written with. While both still hold, a re-export after a change can patch the
/// lines of the changed accounts; otherwise it writes the whole file. Each host
/// keeps its own stamps (hosts sharing a PostgreSQL store may export to the same path).
public struct ExportStamp: Sendable, Equatable {
    /// The host that wrote the file (``ServiceContext/host``).
    public var host: String
    /// The export file.
    public var path: String
    /// The file's identity after it was written.
    public var identity: String
    /// A SHA-256 of the format, kind, customers and templates it was written with.
    public var settings: String
    /// When it was written.
    public var writtenAt: Date?

    /// Creates a stamp.
    public init(host: String, path: String, identity: String, settings: String, writtenAt: Date? = nil) {
        self.host = host
        self.path = path
        self.identity = identity
        self.settings = settings
        self.writtenAt = writtenAt
    }
}
