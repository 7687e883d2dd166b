internal import Foundation

/// Moves a whole store from one backend to another (SQLite to PostgreSQL and back):
/// every table, row for row, keys and times kept, in one write transaction on the
/// target, so that a failed copy leaves the target as it was. The audit chain is
/// copied entry for entry and verifies in the target as it did in the source.
public struct StoreCopy {
    /// Rows per insert statement.
    static let batch = 1000

    /// What a copy moved.
    public struct Outcome: Sendable, Codable, Equatable {
        /// Rows copied, per table.
        public var rows: [String: Int]
        /// Whether the target's earlier rows were removed first.
        public var replaced: Bool
    }

    /// Progress: the table, the rows copied so far, and the table's total.
    public typealias Progress = (_ table: StoreTable, _ copied: Int, _ total: Int) -> Void

    let source: any CredentialStore
    let target: any CredentialStore

    /// Creates a copy between two opened stores.
    ///
    /// - Parameters:
    ///   - source: The store to read.
    ///   - target: The store to fill.
    public init(from source: any CredentialStore, to target: any CredentialStore) {
        self.source = source
        self.target = target
    }

    /// Opens both stores (the target created when missing) and prepares the copy.
    ///
    /// - Parameters:
    ///   - source: Where to read from.
    ///   - target: Where to write to.
    /// - Throws: ``WachterError`` when a store cannot be opened, or both name the same store.
    public init(from source: StoreLocation, to target: StoreLocation) throws {
        guard source != target else {
            throw WachterError(.invalidInput, "the source and the target are the same store (\(source))")
        }
        self.init(from: try source.open(create: false), to: try target.open(create: true))
    }

    /// Copies every table.
    ///
    /// - Parameters:
    ///   - replace: Whether a target that holds rows may have them removed first.
    ///   - progress: Told after each batch.
    /// - Returns: The rows copied per table.
    /// - Throws: ``WachterError/Code/alreadyExists`` for a target with rows and no `replace`;
    ///   a store error, after which the target is unchanged.
    public func run(replace: Bool, progress: Progress? = nil) throws -> Outcome {
        let totals = try source.read { reader in
            try Dictionary(uniqueKeysWithValues: StoreTable.allCases.map { ($0, try Self.tables(reader).count(of: $0)) })
        }
        var copied: [String: Int] = [:]
        var replaced = false
        let head = try target.write { writer -> AuditHead in
            let into = try Self.tables(writer)
            let held = try StoreTable.allCases.reduce(0) { $0 + (try into.count(of: $1)) }
            if held > 0 {
                guard replace else {
                    throw WachterError(
                        .alreadyExists,
                        "the target store holds \(held) rows already; give --replace to remove them and copy, or name an empty store"
                    )
                }
                try into.deleteAllRows()
                replaced = true
            }
            for table in StoreTable.allCases {
                var rows: [[StoreValue]] = []
                var count = 0
                let total = totals[table] ?? 0
                try source.read { reader in
                    try Self.tables(reader).forEachRow(of: table) { row in
                        rows.append(row)
                        if rows.count == Self.batch {
                            try into.insertRows(rows, into: table)
                            count += rows.count
                            rows.removeAll(keepingCapacity: true)
                            progress?(table, count, total)
                        }
                    }
                }
                if !rows.isEmpty { try into.insertRows(rows, into: table) }
                count += rows.count
                progress?(table, count, total)
                copied[table.rawValue] = count
            }
            try into.finishCopy()
            // The copied trail must verify in its new home before the copy commits.
            let entries = try writer.auditEntries()
            let checkpoint = try writer.auditCheckpoint()
            guard case .intact = AuditChain.verify(entries, checkpoint: checkpoint) else {
                throw WachterError(.auditBroken, "the copied audit trail does not verify; nothing was copied")
            }
            return entries.last.map { AuditHead(sequence: $0.sequence, hash: $0.hash) }
                ?? checkpoint.map { AuditHead(sequence: $0.sequence, hash: $0.hash) } ?? .genesis
        }
        // The target's anchor (a SQLite store's file) now records the copied trail's head.
        try target.auditAnchor?.reset(to: head)
        return Outcome(rows: copied, replaced: replaced)
    }

    static func tables(_ access: any StoreReading) throws -> any StoreTableAccess {
        guard let tables = access as? any StoreTableAccess else {
            throw WachterError(.storeFailure, "this store cannot be copied table by table")
        }
        return tables
    }
}
