internal import Foundation
internal import GRDB

/// Reads and writes on one GRDB connection, valid only inside the store's closure.
struct SQLiteAccess: StoreWriting {
    let db: Database
    /// Where ``append(_:)`` notes the entry it appended, for the audit anchor after the commit.
    var appendedAudit: AppendedAuditHead? = nil
    /// The host the store was opened on, written with each audit entry.
    var host: String? = nil

    // MARK: Reading

    func customer(id: String) throws -> Customer? {
        try Row.fetchOne(db, sql: "SELECT * FROM customer WHERE id = ?", arguments: [id]).map(Self.customer)
    }

    func customers() throws -> [Customer] {
        try Row.fetchAll(db, sql: "SELECT * FROM customer ORDER BY id").map(Self.customer)
    }

    func account(named name: String) throws -> Account? {
        // Cached: every login through the agent reads its account twice (the check and the
        // batch write); preparing the statement each time cost more than running it.
        try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM account WHERE name = ?"), arguments: [name]).map(
            Self.account)
    }

    func accounts(kind: AccountKind?, customerID: String?) throws -> [Account] {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let kind {
            clauses.append("kind = ?")
            arguments += [kind.rawValue]
        }
        if let customerID {
            clauses.append("customer_id = ?")
            arguments += [customerID]
        }
        let condition = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        return try Row.fetchAll(db, sql: "SELECT * FROM account\(condition) ORDER BY name", arguments: arguments)
            .map(Self.account)
    }

    func passwordHistory(account: String, limit: Int) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT hash FROM password_history WHERE account = ? ORDER BY id DESC LIMIT ?",
            arguments: [account, limit])
    }

    func loginEvents(account: String?, since: Date?, failedOnly: Bool, limit: Int?) throws -> [LoginEvent] {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let account {
            clauses.append("account = ?")
            arguments += [account]
        }
        if let since {
            clauses.append("time >= ?")
            arguments += [since.timeIntervalSince1970]
        }
        if failedOnly { clauses.append("result <> 'success'") }
        let condition = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let limitClause = limit.map { " LIMIT \($0)" } ?? ""
        return try Row.fetchAll(
            db, sql: "SELECT * FROM login_event\(condition) ORDER BY time DESC, id DESC\(limitClause)", arguments: arguments
        ).map(Self.loginEvent)
    }

    func loginEventsWithSource(afterID id: Int64, limit: Int) throws -> [LoginEvent] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM login_event WHERE id > ? AND source IS NOT NULL ORDER BY id LIMIT ?",
            arguments: [id, limit]
        ).map(Self.loginEvent)
    }

    func failureTimes(account: String?, sourceDigest: String?, since: Date) throws -> [Date] {
        let (clauses, arguments) = Self.loginEvents(
            ["result <> 'success'"], account: account, sourceDigest: sourceDigest, since: since)
        return try Double.fetchAll(
            db, sql: "SELECT time FROM login_event WHERE \(clauses.joined(separator: " AND ")) ORDER BY time DESC",
            arguments: arguments
        ).map(Date.init(timeIntervalSince1970:))
    }

    /// The clauses and arguments that pick login events since `since` meeting `clauses`,
    /// for an account or from a source digest, when given (failureTimes, countedFailures).
    static func loginEvents(_ clauses: [String], account: String?, sourceDigest: String?, since: Date) -> (
        clauses: [String], arguments: StatementArguments
    ) {
        var clauses = ["time >= ?"] + clauses
        var arguments: StatementArguments = [since.timeIntervalSince1970]
        if let account {
            clauses.append("account = ?")
            arguments += [account]
        }
        if let sourceDigest {
            clauses.append("source_digest = ?")
            arguments += [sourceDigest]
        }
        return (clauses, arguments)
    }

    func auditEntries() throws -> [AuditEntry] {
        try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY sequence").map(Self.audit)
    }

    func lastAuditEntry() throws -> AuditEntry? {
        try Row.fetchOne(db, sql: "SELECT * FROM audit ORDER BY sequence DESC LIMIT 1").map(Self.audit)
    }

    // MARK: Writing

    func insert(_ customer: Customer) throws {
        try db.execute(
            sql: """
                INSERT INTO customer (id, name, company, email, created_at, address, postcode, city, website, phone,
                    held_until)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                customer.id, customer.name, customer.company, customer.email, customer.createdAt.timeIntervalSince1970,
                customer.address, customer.postcode, customer.city, customer.website, customer.phone,
                customer.heldUntil?.timeIntervalSince1970,
            ])
    }

    func update(_ customer: Customer) throws {
        try db.execute(
            sql: """
                UPDATE customer SET name = ?, company = ?, email = ?, address = ?, postcode = ?, city = ?,
                    website = ?, phone = ?, held_until = ?
                WHERE id = ?
                """,
            arguments: [
                customer.name, customer.company, customer.email, customer.address, customer.postcode, customer.city,
                customer.website, customer.phone, customer.heldUntil?.timeIntervalSince1970, customer.id,
            ])
    }

    func insert(_ account: Account) throws {
        try db.execute(
            sql: """
                INSERT INTO account (name, kind, customer_id, hash, password_set_at, must_change, locked,
                    locked_until, failures, last_login, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: StatementArguments(Self.arguments(account) + [account.createdAt.timeIntervalSince1970]))
    }

    func update(_ account: Account) throws {
        // Cached, like the login event's insert: the agent's recorder runs both for every login.
        try db.cachedStatement(
            sql: """
                UPDATE account SET kind = ?, customer_id = ?, hash = ?, password_set_at = ?, must_change = ?,
                    locked = ?, locked_until = ?, failures = ?, last_login = ?
                WHERE name = ?
                """
        ).execute(arguments: StatementArguments(Array(Self.arguments(account).dropFirst())) + [account.name])
    }

    func deleteAccount(named name: String) throws {
        try db.execute(sql: "DELETE FROM account WHERE name = ?", arguments: [name])
    }

    func appendHistory(account: String, hash: String, setAt: Date, keep: Int) throws {
        try db.execute(
            sql: "INSERT INTO password_history (account, hash, set_at) VALUES (?, ?, ?)",
            arguments: [account, hash, setAt.timeIntervalSince1970])
        try db.execute(
            sql: """
                DELETE FROM password_history WHERE account = ? AND id NOT IN
                    (SELECT id FROM password_history WHERE account = ? ORDER BY id DESC LIMIT ?)
                """,
            arguments: [account, account, keep])
    }

    func insert(_ events: [LoginEvent]) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO login_event (time, account, service, source, result, reason, source_digest, repeated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for event in events {
            try statement.execute(
                arguments: [
                    event.time.timeIntervalSince1970, event.account, event.service, event.source, event.result.rawValue,
                    event.reason, event.sourceDigest, event.repeated,
                ])
        }
    }

    func updateLoginSource(id: Int64, source: String?, sourceDigest: String?) throws {
        try db.execute(
            sql: "UPDATE login_event SET source = ?, source_digest = ? WHERE id = ?", arguments: [source, sourceDigest, id])
    }

    func dropLoginSources(before cutoff: Date) throws -> Int {
        try db.execute(
            sql: "UPDATE login_event SET source = NULL WHERE time < ? AND source IS NOT NULL",
            arguments: [cutoff.timeIntervalSince1970])
        return db.changesCount
    }

    func append(_ entry: AuditEntry) throws {
        try db.execute(
            sql: """
                INSERT INTO audit (sequence, time, actor, action, target, detail, previous_hash, hash, personal_digest, host)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                entry.sequence, entry.time.timeIntervalSince1970, entry.actor, entry.action, entry.target, entry.detail,
                entry.previousHash, entry.hash, entry.personalDigest, entry.host ?? host,
            ])
        appendedAudit?.head = AuditHead(sequence: entry.sequence, hash: entry.hash)
    }

    // MARK: Rows

    private static func arguments(_ account: Account) -> [(any DatabaseValueConvertible)?] {
        [
            account.name, account.kind.rawValue, account.customerID, account.hash,
            account.passwordSetAt.timeIntervalSince1970, account.mustChange, account.locked,
            account.lockedUntil?.timeIntervalSince1970, account.failures, account.lastLogin?.timeIntervalSince1970,
        ]
    }

    static func customer(_ row: Row) -> Customer {
        Customer(
            id: row["id"], name: row["name"], company: row["company"], email: row["email"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), address: row["address"],
            postcode: row["postcode"], city: row["city"], website: row["website"], phone: row["phone"],
            heldUntil: (row["held_until"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    static func account(_ row: Row) -> Account {
        let lockedUntil: Double? = row["locked_until"]
        let lastLogin: Double? = row["last_login"]
        return Account(
            name: row["name"], kind: AccountKind(rawValue: row["kind"]) ?? .mailbox, customerID: row["customer_id"],
            hash: row["hash"], passwordSetAt: Date(timeIntervalSince1970: row["password_set_at"]),
            mustChange: row["must_change"], locked: row["locked"],
            lockedUntil: lockedUntil.map(Date.init(timeIntervalSince1970:)), failures: row["failures"],
            lastLogin: lastLogin.map(Date.init(timeIntervalSince1970:)),
            createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    static func loginEvent(_ row: Row) -> LoginEvent {
        LoginEvent(
            id: row["id"], time: Date(timeIntervalSince1970: row["time"]), account: row["account"],
            service: row["service"], source: row["source"],
            result: LoginResult(rawValue: row["result"]) ?? .failure, reason: row["reason"],
            sourceDigest: row["source_digest"], repeated: row["repeated"] ?? false)
    }

    static func audit(_ row: Row) -> AuditEntry {
        AuditEntry(
            sequence: row["sequence"], time: Date(timeIntervalSince1970: row["time"]), actor: row["actor"],
            action: row["action"], target: row["target"], detail: row["detail"],
            previousHash: row["previous_hash"], hash: row["hash"], personalDigest: row["personal_digest"],
            host: row.hasColumn("host") ? row["host"] : nil)
    }
}
