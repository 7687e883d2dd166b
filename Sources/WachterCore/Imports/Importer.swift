internal import Foundation
internal import Logging

/// What an import did, or with `dryRun` would do.
public struct ImportSummary: Codable, Sendable, Equatable {
    /// The format read.
    public var format: ExportFormat
    /// The customer who owns the imported accounts.
    public var customer: String
    /// The kind of the imported accounts.
    public var kind: AccountKind
    /// Whether nothing was changed.
    public var dryRun: Bool
    /// The imported account names, in file order.
    public var imported: [String]
    /// How many of them were locked in the file, and are locked now.
    public var locked: Int
    /// How many have a hash below the hashing policy; they are flagged in
    /// `account list` ("needs rehash") and replaced at the next successful login.
    public var belowPolicy: Int
    /// The accounts refused, with the reason.
    public var refused: [ImportRefusal]
}

/// Takes over the accounts of existing server files (Dovecot, shadow, pure-ftpd, ProFTPD).
public struct ImportService: ContextualService {
    let context: ServiceContext

    /// Imports the accounts of a credential file, keeping each hash as it is.
    ///
    /// All or nothing: the file is parsed whole first (a malformed line fails
    /// with its number), then every account is added in one write transaction,
    /// which fails whole if one name is taken. Refused lines (a non-crypt
    /// password) are listed and not imported.
    ///
    /// - Parameters:
    ///   - bytes: The file's contents.
    ///   - format: Its format.
    ///   - kind: The kind of the accounts; by default the format's.
    ///   - customerID: The owner of every imported account.
    ///   - source: The file's path, for the audit trail.
    ///   - dryRun: Check everything, change nothing.
    /// - Returns: What was (or would be) imported and refused.
    /// - Throws: ``WachterError`` for a malformed line, an unknown customer or a
    ///   name already in the store; nothing is changed then.
    public func importAccounts(
        _ bytes: [UInt8], format: ExportFormat, kind: AccountKind? = nil, customerID: String, source: String, dryRun: Bool = false
    ) throws -> ImportSummary {
        let kind = kind ?? format.defaultKind
        let file = try ImportParser.parse(bytes, format: format, kind: kind)
        let now = clock.now()
        let hasher = rules(for: kind).hasher
        let belowPolicy = file.records.filter { hasher.assess($0.hash).belowPolicy != nil }.count
        let summary = ImportSummary(
            format: format, customer: customerID, kind: kind, dryRun: dryRun, imported: file.records.map(\.name),
            locked: file.records.filter(\.locked).count, belowPolicy: belowPolicy, refused: file.refused)
        let write = { (writer: any StoreWriting) throws in
            guard try writer.customer(id: customerID) != nil else {
                throw WachterError(.notFound, "there is no customer '\(customerID)'; `wachter customer list` shows them")
            }
            for record in file.records {
                guard try writer.account(named: record.name) == nil else {
                    throw WachterError(
                        .alreadyExists,
                        "line \(record.line): an account \(Names.quote(record.name)) exists already; nothing was imported")
                }
                try writer.insert(
                    Account(
                        name: record.name, kind: kind, customerID: customerID, hash: record.hash, passwordSetAt: now,
                        locked: record.locked, createdAt: now))
                try AuditChain.append(
                    to: writer, time: now, actor: actor, action: "account.import", target: record.name,
                    detail:
                        "kind=\(kind.rawValue) customer=\(customerID) method=\(HashMethod.identify(record.hash)?.rawValue ?? "unknown")\(record.locked ? " locked" : "")"
                )
            }
            try AuditChain.append(
                to: writer, time: now, actor: actor, action: "import", target: source,
                detail:
                    "format=\(format.rawValue) kind=\(kind.rawValue) customer=\(customerID) imported=\(file.records.count) refused=\(file.refused.count) below-policy=\(belowPolicy)"
            )
        }
        if dryRun {
            try store.read { reader in
                guard try reader.customer(id: customerID) != nil else {
                    throw WachterError(.notFound, "there is no customer '\(customerID)'; `wachter customer list` shows them")
                }
                for record in file.records where try reader.account(named: record.name) != nil {
                    throw WachterError(
                        .alreadyExists,
                        "line \(record.line): an account \(Names.quote(record.name)) exists already; nothing would be imported")
                }
            }
            return summary
        }
        try store.write(write)
        logger.info("imported", metadata: ["source": "\(source)", "accounts": "\(file.records.count)"])
        if !file.records.isEmpty { notifyChange("import", file.records.map(\.name), kinds: [kind]) }
        return summary
    }
}
