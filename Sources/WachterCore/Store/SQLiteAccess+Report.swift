internal import Foundation
internal import GRDB

// The report's and retention's queries. Each aggregates in SQL over the indexes on
// login_event_report (time, result, source_digest, account) and login_event(account, time), so that a weekly report reads
// about a week of events once per section and never loads the whole table.
extension SQLiteAccess {
    func accounts(matching condition: AccountCondition, limit: Int) throws -> (total: Int, rows: [AccountRow]) {
        let (clause, arguments) = Self.sql(condition)
        let from = "FROM account a JOIN customer c ON c.id = a.customer_id WHERE \(clause)"
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) \(from)", arguments: arguments) ?? 0
        let rows = try Row.fetchAll(
            db, sql: "SELECT a.*, c.name AS customer_name \(from) ORDER BY a.customer_id, a.name LIMIT ?",
            arguments: arguments + [limit])
        return (total, rows.map { AccountRow(account: Self.account($0), customerName: $0["customer_name"]) })
    }

    func forEachAccount(_ body: (AccountRow) throws -> Void) throws {
        let cursor = try Row.fetchCursor(
            db,
            sql:
                "SELECT a.*, c.name AS customer_name FROM account a JOIN customer c ON c.id = a.customer_id ORDER BY a.customer_id, a.name"
        )
        while let row = try cursor.next() {
            try body(AccountRow(account: Self.account(row), customerName: row["customer_name"]))
        }
    }

    func loginsPerDay(from: Date, to: Date) throws -> [(day: Int, logins: Int, failed: Int)] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT CAST(time / 86400 AS INTEGER) AS day, SUM(result = 'success') AS logins,
                    SUM(result <> 'success') AS failed
                FROM login_event WHERE time >= ? AND time < ? GROUP BY day ORDER BY day
                """,
            arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970]
        ).map { (day: $0["day"], logins: $0["logins"], failed: $0["failed"]) }
    }

    func failedSources(from: Date, to: Date, minimum: Int, limit: Int, accountsPerSource: Int) throws
        -> (total: Int, sources: [SourceFinding])
    {
        let window: StatementArguments = [from.timeIntervalSince1970, to.timeIntervalSince1970]
        let grouped = """
            SELECT source_digest, COUNT(*) AS attempts, COUNT(DISTINCT account) AS accounts, MIN(time) AS first,
                MAX(time) AS last
            FROM login_event WHERE time >= ? AND time < ? AND result <> 'success' AND source_digest IS NOT NULL
            GROUP BY source_digest HAVING COUNT(*) >= ?
            """
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (\(grouped))", arguments: window + [minimum]) ?? 0
        let rows = try Row.fetchAll(
            db, sql: grouped + " ORDER BY attempts DESC, source_digest LIMIT ?", arguments: window + [minimum, limit])
        var sources: [SourceFinding] = []
        for row in rows {
            let digest: String = row["source_digest"]
            let tried = try Row.fetchAll(
                db,
                sql: """
                    SELECT account, COUNT(*) AS attempts FROM login_event
                    WHERE time >= ? AND time < ? AND result <> 'success' AND source_digest = ?
                    GROUP BY account ORDER BY attempts DESC, account LIMIT ?
                    """,
                arguments: window + [digest, accountsPerSource]
            ).map { Attempts(name: $0["account"], attempts: $0["attempts"]) }
            // The address as stored (sealed, bound to its account): one row of the account
            // that tried most, so that the services can open it. Where retention dropped
            // every address of the group, the digest stands in.
            let sample = try String.fetchOne(
                db,
                sql: """
                    SELECT source FROM login_event
                    WHERE source_digest = ? AND account = ? AND source IS NOT NULL AND time >= ? AND time < ? LIMIT 1
                    """,
                arguments: [digest, tried.first?.name ?? ""] + window)
            sources.append(
                SourceFinding(
                    source: sample ?? digest, attempts: row["attempts"], distinctAccounts: row["accounts"], accounts: tried,
                    firstSeen: Date(timeIntervalSince1970: row["first"]), lastSeen: Date(timeIntervalSince1970: row["last"])))
        }
        return (total, sources)
    }

    func failures(of accounts: [String], from: Date, to: Date, sourcesPerAccount: Int) throws -> [String: AccountFailures] {
        var result: [String: AccountFailures] = [:]
        for account in accounts {
            let arguments: StatementArguments = [account, from.timeIntervalSince1970, to.timeIntervalSince1970]
            let condition = "account = ? AND time >= ? AND time < ? AND result <> 'success'"
            guard
                let totals = try Row.fetchOne(
                    db, sql: "SELECT COUNT(*) AS attempts, MAX(time) AS last FROM login_event WHERE \(condition)",
                    arguments: arguments)
            else { continue }
            let last: Double? = totals["last"]
            let sources = try Row.fetchAll(
                db,
                sql: """
                    SELECT COALESCE(MIN(source), source_digest, '-') AS source, COUNT(*) AS attempts FROM login_event
                    WHERE \(condition) GROUP BY source_digest ORDER BY attempts DESC, source_digest LIMIT ?
                    """,
                arguments: arguments + [sourcesPerAccount]
            ).map { Attempts(name: $0["source"], attempts: $0["attempts"]) }
            result[account] = AccountFailures(
                attempts: totals["attempts"], last: last.map(Date.init(timeIntervalSince1970:)), sources: sources)
        }
        return result
    }

    func unknownUsers(from: Date, to: Date, minimum: Int) throws -> (totals: UnknownUserTotals, names: [UnknownUser]) {
        let names = try Row.fetchAll(
            db,
            sql: """
                SELECT account, COUNT(*) AS attempts, COUNT(DISTINCT source_digest) AS sources, MAX(time) AS last
                FROM login_event WHERE time >= ? AND time < ? AND result = 'unknown-user'
                GROUP BY account HAVING COUNT(*) >= ? ORDER BY attempts DESC, account
                """,
            arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970, minimum]
        ).map {
            UnknownUser(
                name: $0["account"], attempts: $0["attempts"], sources: $0["sources"],
                lastSeen: Date(timeIntervalSince1970: $0["last"]))
        }
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) AS attempts, COUNT(DISTINCT account) AS names FROM login_event
                WHERE time >= ? AND time < ? AND result = 'unknown-user'
                """,
            arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970])
        return (UnknownUserTotals(attempts: row?["attempts"] ?? 0, names: row?["names"] ?? 0), names)
    }

    func auditEntries(from: Date, limit: Int) throws -> (total: Int, entries: [AuditEntry], counts: [String: Int]) {
        let start: StatementArguments = [from.timeIntervalSince1970]
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT action, COUNT(*) AS n FROM audit WHERE time >= ? GROUP BY action", arguments: start)
        {
            counts[row["action"]] = row["n"]
        }
        let entries = try Row.fetchAll(
            db, sql: "SELECT * FROM audit WHERE time >= ? ORDER BY sequence LIMIT ?", arguments: start + [limit]
        ).map(Self.audit)
        return (counts.values.reduce(0, +), entries, counts)
    }

    func auditCheckpoint() throws -> AuditCheckpoint? {
        try Row.fetchOne(db, sql: "SELECT * FROM audit_checkpoint WHERE id = 1").map {
            AuditCheckpoint(
                sequence: $0["sequence"], hash: $0["hash"], time: Date(timeIntervalSince1970: $0["time"]),
                createdAt: Date(timeIntervalSince1970: $0["created_at"]))
        }
    }

    func retentionRemovals(from: Date, to: Date) throws -> (runs: Int, removed: [RetainedRecord: Int]) {
        let window: StatementArguments = [from.timeIntervalSince1970, to.timeIntervalSince1970]
        let runs =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(DISTINCT run) FROM retention_log WHERE run >= ? AND run < ?", arguments: window) ?? 0
        var removed: [RetainedRecord: Int] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT record, SUM(removed) AS n FROM retention_log WHERE run >= ? AND run < ? GROUP BY record",
            arguments: window)
        {
            if let record = RetainedRecord(rawValue: row["record"]) { removed[record] = row["n"] }
        }
        return (runs, removed)
    }

    func latestSiteChecks() throws -> [SiteLatestCheck]? {
        guard try db.tableExists("site") else { return nil }
        let hasChecks = try db.tableExists("site_check")
        let checkColumns = hasChecks ? Set(try db.columns(in: "site_check").map(\.name)) : []
        // One check run judges every endpoint of a site at one time: the latest run
        // is every row with the site's latest checked_at, found through the
        // (domain, checked_at) index. A site without checks still appears, as never checked.
        // A store not migrated yet (read-only) may lack the later columns.
        let extra = ["endpoint", "starttls", "codes", "sources"].map { checkColumns.contains($0) ? "k.\($0)" : "NULL AS \($0)" }
            .joined(separator: ", ")
        let sql =
            hasChecks
            ? """
            SELECT s.domain, s.customer_id, cu.name AS customer_name, k.verdict, k.problems, k.checked_at, k.not_after, \(extra)
            FROM site s
            LEFT JOIN customer cu ON cu.id = s.customer_id
            LEFT JOIN site_check k ON k.domain = s.domain AND k.checked_at = (
                SELECT checked_at FROM site_check WHERE domain = s.domain ORDER BY checked_at DESC LIMIT 1)
            ORDER BY s.domain, k.id
            """
            : """
            SELECT s.domain, s.customer_id, cu.name AS customer_name, NULL AS verdict, NULL AS problems,
                NULL AS checked_at, NULL AS not_after, NULL AS endpoint, NULL AS starttls, NULL AS codes, NULL AS sources
            FROM site s LEFT JOIN customer cu ON cu.id = s.customer_id ORDER BY s.domain
            """
        return try Row.fetchAll(db, sql: sql).map { row in
            let verdict: String? = row["verdict"]
            let checkedAt: Double? = row["checked_at"]
            var check: SiteCheckResult?
            if let verdict, let checkedAt {
                let notAfter: Double? = row["not_after"]
                check = StoredSiteCheck(
                    problems: row["problems"], codes: row["codes"], sources: row["sources"], verdict: verdict,
                    starttls: row["starttls"]
                ).check(
                    domain: row["domain"], endpoint: row["endpoint"], checkedAt: Date(timeIntervalSince1970: checkedAt),
                    notAfter: notAfter.map(Date.init(timeIntervalSince1970:)))
            }
            return SiteLatestCheck(
                domain: row["domain"], customerID: row["customer_id"], customerName: row["customer_name"], check: check)
        }
    }

    // MARK: Retention

    func deleteLoginEvents(before cutoff: Date) throws -> Int {
        try db.execute(sql: "DELETE FROM login_event WHERE time < ?", arguments: [cutoff.timeIntervalSince1970])
        return db.changesCount
    }

    func deleteSiteChecks(before cutoff: Date) throws -> Int? {
        guard try db.tableExists("site_check") else { return nil }
        try db.execute(sql: "DELETE FROM site_check WHERE checked_at < ?", arguments: [cutoff.timeIntervalSince1970])
        return db.changesCount
    }

    func deletePasswordHistory(before cutoff: Date?, keep: Int) throws -> Int {
        var removed = 0
        if let cutoff {
            try db.execute(sql: "DELETE FROM password_history WHERE set_at < ?", arguments: [cutoff.timeIntervalSince1970])
            removed += db.changesCount
        }
        try db.execute(
            sql: """
                DELETE FROM password_history WHERE id NOT IN (
                    SELECT id FROM (
                        SELECT id, ROW_NUMBER() OVER (PARTITION BY account ORDER BY id DESC) AS position
                        FROM password_history)
                    WHERE position <= ?)
                """,
            arguments: [keep])
        return removed + db.changesCount
    }

    func pruneAudit(through checkpoint: AuditCheckpoint) throws -> Int {
        try db.execute(sql: "DELETE FROM audit WHERE sequence <= ?", arguments: [checkpoint.sequence])
        let removed = db.changesCount
        try db.execute(
            sql: """
                INSERT INTO audit_checkpoint (id, sequence, hash, time, created_at) VALUES (1, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash,
                    time = excluded.time, created_at = excluded.created_at
                """,
            arguments: [
                checkpoint.sequence, checkpoint.hash, checkpoint.time.timeIntervalSince1970,
                checkpoint.createdAt.timeIntervalSince1970,
            ])
        return removed
    }

    func recordRetention(time: Date, record: RetainedRecord, removed: Int, cutoff: Date) throws {
        try db.execute(
            sql: "INSERT INTO retention_log (run, record, removed, cutoff) VALUES (?, ?, ?, ?)",
            arguments: [time.timeIntervalSince1970, record.rawValue, removed, cutoff.timeIntervalSince1970])
    }

    private static func sql(_ condition: AccountCondition) -> (String, StatementArguments) {
        switch condition {
        case .passwordSetBefore(let cutoffs):
            guard !cutoffs.isEmpty else { return ("0", []) }
            var arguments: StatementArguments = []
            let parts = cutoffs.sorted { $0.key.rawValue < $1.key.rawValue }.map { kind, cutoff in
                arguments += [kind.rawValue, cutoff.timeIntervalSince1970]
                return "(a.kind = ? AND a.password_set_at < ?)"
            }
            return ("a.must_change = 0 AND (" + parts.joined(separator: " OR ") + ")", arguments)
        case .passwordSetBetween(let ranges):
            guard !ranges.isEmpty else { return ("0", []) }
            var arguments: StatementArguments = []
            let parts = ranges.sorted { $0.key.rawValue < $1.key.rawValue }.map { kind, range in
                arguments += [kind.rawValue, range.lowerBound.timeIntervalSince1970, range.upperBound.timeIntervalSince1970]
                return "(a.kind = ? AND a.password_set_at >= ? AND a.password_set_at < ?)"
            }
            return ("a.must_change = 0 AND (" + parts.joined(separator: " OR ") + ")", arguments)
        case .mustChange:
            return ("a.must_change = 1", [])
        case .locked(let now):
            return ("(a.locked = 1 OR a.locked_until > ?)", [now.timeIntervalSince1970])
        case .noLoginSince(let cutoff):
            return ("COALESCE(a.last_login, a.created_at) < ?", [cutoff.timeIntervalSince1970])
        }
    }
}
