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
    /// What an export needs of every account of one kind, by name, through
    /// ``accounts(kind:customerID:)``; a store may answer faster with a narrower query.
    ///
    /// - Parameter kind: The kind.
    /// - Returns: One record per account, sorted by name.
    /// - Throws: What the store throws.
    public func exportRecords(kind: AccountKind) throws -> [ExportRecord] {
        try accounts(kind: kind, customerID: nil).map {
            ExportRecord(name: $0.name, customerID: $0.customerID, hash: $0.hash, locked: $0.locked)
        }
    }
}
