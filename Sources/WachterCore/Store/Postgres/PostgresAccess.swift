internal import Foundation
internal import PostgresNIO

/// Reads and writes on one PostgreSQL session inside a transaction, valid only inside
/// the store's closure: the same queries as ``SQLiteAccess`` in PostgreSQL's dialect.
struct PostgresAccess: StoreWriting {
    let session: PostgresSession
    /// The host the store was opened on, written with each audit entry.
    var host: String? = nil

    @discardableResult
    func run(_ query: PostgresQuery) throws -> PostgresQueryResult { try session.query(query) }

    /// The rows of a query, each read by column name.
    func rows(_ query: PostgresQuery) throws -> [PostgresRandomAccessRow] {
        try session.query(query).map { $0.makeRandomAccess() }
    }

    /// The first column of the first row.
    func scalar<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) throws -> T? {
        try session.query(query).first.map { try $0.makeRandomAccess()[0].decode(T.self) }
    }

    /// How many rows a statement changed.
    func changed(_ query: PostgresQuery) throws -> Int { try session.query(query).metadata.rows ?? 0 }

    // MARK: Reading

    func customer(id: String) throws -> Customer? {
        try rows("SELECT * FROM customer WHERE id = \(id)").first.map(Self.customer)
    }

    func customers() throws -> [Customer] {
        try rows("SELECT * FROM customer ORDER BY id").map(Self.customer)
    }

    func account(named name: String) throws -> Account? {
        try rows("SELECT * FROM account WHERE name = \(name)").first.map(Self.account)
    }

    func accounts(kind: AccountKind?, customerID: String?) throws -> [Account] {
        try rows(
            """
            SELECT * FROM account WHERE (\(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue))
                AND (\(customerID)::text IS NULL OR customer_id = \(customerID)) ORDER BY name
            """
        ).map(Self.account)
    }

    func passwordHistory(account: String, limit: Int) throws -> [String] {
        try rows("SELECT hash FROM password_history WHERE account = \(account) ORDER BY id DESC LIMIT \(limit)")
            .map { try $0["hash"].decode(String.self) }
    }

    func loginEvents(account: String?, since: Date?, failedOnly: Bool, limit: Int?) throws -> [LoginEvent] {
        let query: PostgresQuery = """
            SELECT * FROM login_event
            WHERE (\(account)::text IS NULL OR account = \(account))
                AND (\(since)::timestamptz IS NULL OR time >= \(since))
                AND (NOT \(failedOnly) OR result <> 'success')
            ORDER BY time DESC, id DESC LIMIT \(limit ?? Int(Int64.max))
            """
        return try rows(query).map(Self.loginEvent)
    }

    func loginEventsWithSource(afterID id: Int64, limit: Int) throws -> [LoginEvent] {
        try rows("SELECT * FROM login_event WHERE id > \(id) AND source IS NOT NULL ORDER BY id LIMIT \(limit)")
            .map(Self.loginEvent)
    }

    func failureTimes(account: String?, sourceDigest: String?, since: Date) throws -> [Date] {
        try rows(
            """
            SELECT time FROM login_event WHERE time >= \(since) AND result <> 'success'
                AND (\(account)::text IS NULL OR account = \(account))
                AND (\(sourceDigest)::text IS NULL OR source_digest = \(sourceDigest))
            ORDER BY time DESC
            """
        ).map { try $0["time"].decode(Date.self) }
    }

    func auditEntries() throws -> [AuditEntry] {
        try rows("SELECT * FROM audit ORDER BY sequence").map(Self.audit)
    }

    func lastAuditEntry() throws -> AuditEntry? {
        try rows("SELECT * FROM audit ORDER BY sequence DESC LIMIT 1").first.map(Self.audit)
    }

    // MARK: Writing

    func insert(_ customer: Customer) throws {
        try run(
            """
            INSERT INTO customer (id, name, company, email, created_at, address, postcode, city, website, phone, held_until)
            VALUES (\(customer.id), \(customer.name), \(customer.company), \(customer.email), \(customer.createdAt),
                \(customer.address), \(customer.postcode), \(customer.city), \(customer.website), \(customer.phone),
                \(customer.heldUntil))
            """)
    }

    func update(_ customer: Customer) throws {
        try run(
            """
            UPDATE customer SET name = \(customer.name), company = \(customer.company), email = \(customer.email),
                address = \(customer.address), postcode = \(customer.postcode), city = \(customer.city),
                website = \(customer.website), phone = \(customer.phone), held_until = \(customer.heldUntil)
            WHERE id = \(customer.id)
            """)
    }

    func updateLoginSource(id: Int64, source: String?, sourceDigest: String?) throws {
        try run("UPDATE login_event SET source = \(source), source_digest = \(sourceDigest) WHERE id = \(id)")
    }

    func dropLoginSources(before cutoff: Date) throws -> Int {
        try changed("UPDATE login_event SET source = NULL WHERE time < \(cutoff) AND source IS NOT NULL")
    }

    func insert(_ account: Account) throws {
        try run(
            """
            INSERT INTO account (name, kind, customer_id, hash, password_set_at, must_change, locked,
                locked_until, failures, last_login, created_at)
            VALUES (\(account.name), \(account.kind.rawValue), \(account.customerID), \(account.hash),
                \(account.passwordSetAt), \(account.mustChange), \(account.locked), \(account.lockedUntil),
                \(account.failures), \(account.lastLogin), \(account.createdAt))
            """)
    }

    func update(_ account: Account) throws {
        try run(
            """
            UPDATE account SET kind = \(account.kind.rawValue), customer_id = \(account.customerID), hash = \(account.hash),
                password_set_at = \(account.passwordSetAt), must_change = \(account.mustChange), locked = \(account.locked),
                locked_until = \(account.lockedUntil), failures = \(account.failures), last_login = \(account.lastLogin)
            WHERE name = \(account.name)
            """)
    }

    func deleteAccount(named name: String) throws {
        try run("DELETE FROM account WHERE name = \(name)")
    }

    func appendHistory(account: String, hash: String, setAt: Date, keep: Int) throws {
        try run("INSERT INTO password_history (account, hash, set_at) VALUES (\(account), \(hash), \(setAt))")
        try run(
            """
            DELETE FROM password_history WHERE account = \(account) AND id NOT IN
                (SELECT id FROM password_history WHERE account = \(account) ORDER BY id DESC LIMIT \(keep))
            """)
    }

    func insert(_ events: [LoginEvent]) throws {
        // One statement per thousand events: a batch of the agent's recorder is one round trip, not one per event.
        for chunk in stride(from: 0, to: events.count, by: 1000) {
            var bindings = PostgresBindings()
            var rows: [String] = []
            for event in events[chunk..<min(chunk + 1000, events.count)] {
                let base = bindings.count
                bindings.append(PostgresTimestamp(event.time))
                bindings.append(event.account)
                bindings.append(event.service)
                if let source = event.source { bindings.append(source) } else { bindings.appendNull() }
                bindings.append(event.result.rawValue)
                if let reason = event.reason { bindings.append(reason) } else { bindings.appendNull() }
                if let digest = event.sourceDigest { bindings.append(digest) } else { bindings.appendNull() }
                bindings.append(event.repeated)
                rows.append("(" + (1...8).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
            }
            try run(
                PostgresQuery(
                    unsafeSQL:
                        "INSERT INTO login_event (time, account, service, source, result, reason, source_digest, repeated) VALUES "
                        + rows.joined(separator: ", "),
                    binds: bindings))
        }
    }

    func append(_ entry: AuditEntry) throws {
        try run(
            """
            INSERT INTO audit (sequence, time, epoch, actor, action, target, detail, previous_hash, hash, personal_digest, host)
            VALUES (\(entry.sequence), \(entry.time), \(entry.time.timeIntervalSince1970), \(entry.actor), \(entry.action),
                \(entry.target), \(entry.detail), \(entry.previousHash), \(entry.hash), \(entry.personalDigest),
                \(entry.host ?? host))
            """)
    }

    // MARK: Rows

    static func customer(_ row: PostgresRandomAccessRow) throws -> Customer {
        Customer(
            id: try row["id"].decode(String.self), name: try row["name"].decode(String.self),
            company: try row["company"].decode(String?.self), email: try row["email"].decode(String?.self),
            createdAt: try row["created_at"].decode(Date.self), address: try row["address"].decode(String?.self),
            postcode: try row["postcode"].decode(String?.self), city: try row["city"].decode(String?.self),
            website: try row["website"].decode(String?.self), phone: try row["phone"].decode(String?.self),
            heldUntil: try row["held_until"].decode(Date?.self))
    }

    static func loginEvent(_ row: PostgresRandomAccessRow) throws -> LoginEvent {
        LoginEvent(
            id: try row["id"].decode(Int64.self), time: try row["time"].decode(Date.self),
            account: try row["account"].decode(String.self), service: try row["service"].decode(String.self),
            source: try row["source"].decode(String?.self),
            result: LoginResult(rawValue: try row["result"].decode(String.self)) ?? .failure,
            reason: try row["reason"].decode(String?.self), sourceDigest: try row["source_digest"].decode(String?.self),
            repeated: try row["repeated"].decode(Bool.self))
    }

    static func account(_ row: PostgresRandomAccessRow) throws -> Account {
        Account(
            name: try row["name"].decode(String.self),
            kind: AccountKind(rawValue: try row["kind"].decode(String.self)) ?? .mailbox,
            customerID: try row["customer_id"].decode(String.self), hash: try row["hash"].decode(String.self),
            passwordSetAt: try row["password_set_at"].decode(Date.self), mustChange: try row["must_change"].decode(Bool.self),
            locked: try row["locked"].decode(Bool.self), lockedUntil: try row["locked_until"].decode(Date?.self),
            failures: try row["failures"].decode(Int.self), lastLogin: try row["last_login"].decode(Date?.self),
            createdAt: try row["created_at"].decode(Date.self))
    }

    static func audit(_ row: PostgresRandomAccessRow) throws -> AuditEntry {
        AuditEntry(
            sequence: try row["sequence"].decode(Int64.self),
            time: Date(timeIntervalSince1970: try row["epoch"].decode(Double.self)), actor: try row["actor"].decode(String.self),
            action: try row["action"].decode(String.self), target: try row["target"].decode(String.self),
            detail: try row["detail"].decode(String.self), previousHash: try row["previous_hash"].decode(String.self),
            hash: try row["hash"].decode(String.self), personalDigest: try row["personal_digest"].decode(String?.self),
            host: row.contains("host") ? try row["host"].decode(String?.self) : nil)
    }
}

/// A statement put together from pieces, each value bound as the next placeholder.
struct QueryBuilder {
    private(set) var sql: String
    private(set) var binds = PostgresBindings()

    init(_ sql: String = "") { self.sql = sql }

    /// Adds SQL text.
    mutating func add(_ text: String) { sql += text }

    /// Adds a value as the next placeholder.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) {
        binds.append(value)
        sql += "$\(binds.count)"
    }

    /// The statement.
    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}
