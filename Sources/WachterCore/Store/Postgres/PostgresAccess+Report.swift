internal import Foundation
internal import PostgresNIO

// The report's and retention's queries, as SQLiteAccess+Report.swift in PostgreSQL's
// dialect, over the same indexes.
extension PostgresAccess {
    func accounts(matching condition: AccountCondition, limit: Int) throws -> (total: Int, rows: [AccountRow]) {
        let from = "FROM account a JOIN customer c ON c.id = a.customer_id WHERE "
        var count = QueryBuilder("SELECT COUNT(*) " + from)
        Self.add(condition, to: &count)
        var select = QueryBuilder("SELECT a.*, c.name AS customer_name " + from)
        Self.add(condition, to: &select)
        select.add(" ORDER BY a.customer_id, a.name LIMIT ")
        select.bind(limit)
        return (
            try scalar(count.query, as: Int.self) ?? 0,
            try rows(select.query).map {
                AccountRow(account: try Self.account($0), customerName: try $0["customer_name"].decode(String.self))
            }
        )
    }

    func forEachAccount(_ body: (AccountRow) throws -> Void) throws {
        // Pages by key, so that a store of 100,000 accounts is never held whole.
        var after: (customer: String, name: String)? = nil
        while true {
            let page = try rows(
                """
                SELECT a.*, c.name AS customer_name FROM account a JOIN customer c ON c.id = a.customer_id
                WHERE \(after == nil) OR (a.customer_id, a.name) > (\(after?.customer ?? ""), \(after?.name ?? ""))
                ORDER BY a.customer_id, a.name LIMIT 5000
                """)
            for row in page {
                let account = try Self.account(row)
                try body(AccountRow(account: account, customerName: try row["customer_name"].decode(String.self)))
                after = (account.customerID, account.name)
            }
            if page.count < 5000 { return }
        }
    }

    func loginsPerDay(from: Date, to: Date) throws -> [(day: Int, logins: Int, failed: Int)] {
        try rows(
            """
            SELECT floor(extract(epoch FROM time) / 86400)::bigint AS day,
                COUNT(*) FILTER (WHERE result = 'success') AS logins, COUNT(*) FILTER (WHERE result <> 'success') AS failed
            FROM login_event WHERE time >= \(from) AND time < \(to) GROUP BY day ORDER BY day
            """
        ).map {
            (
                day: try $0["day"].decode(Int.self), logins: try $0["logins"].decode(Int.self),
                failed: try $0["failed"].decode(Int.self)
            )
        }
    }

    func failedSources(from: Date, to: Date, minimum: Int, limit: Int, accountsPerSource: Int) throws
        -> (total: Int, sources: [SourceFinding])
    {
        // Grouped by the keyed digest (sources are stored sealed); one stored address of the
        // account that tried most is the sample the services open, or the digest where
        // retention dropped every address of the group.
        let total =
            try scalar(
                """
                SELECT COUNT(*) FROM (SELECT source_digest FROM login_event
                    WHERE time >= \(from) AND time < \(to) AND result <> 'success' AND source_digest IS NOT NULL
                    GROUP BY source_digest HAVING COUNT(*) >= \(minimum)) AS grouped
                """, as: Int.self) ?? 0
        let grouped = try rows(
            """
            SELECT source_digest, COUNT(*) AS attempts, COUNT(DISTINCT account) AS accounts, MIN(time) AS first,
                MAX(time) AS last
            FROM login_event WHERE time >= \(from) AND time < \(to) AND result <> 'success' AND source_digest IS NOT NULL
            GROUP BY source_digest HAVING COUNT(*) >= \(minimum) ORDER BY attempts DESC, source_digest LIMIT \(limit)
            """)
        var sources: [SourceFinding] = []
        for row in grouped {
            let digest = try row["source_digest"].decode(String.self)
            let tried = try rows(
                """
                SELECT account, COUNT(*) AS attempts FROM login_event
                WHERE time >= \(from) AND time < \(to) AND result <> 'success' AND source_digest = \(digest)
                GROUP BY account ORDER BY attempts DESC, account LIMIT \(accountsPerSource)
                """
            ).map { Attempts(name: try $0["account"].decode(String.self), attempts: try $0["attempts"].decode(Int.self)) }
            let sample = try scalar(
                """
                SELECT source FROM login_event
                WHERE source_digest = \(digest) AND account = \(tried.first?.name ?? "") AND source IS NOT NULL
                    AND time >= \(from) AND time < \(to) LIMIT 1
                """, as: String.self)
            sources.append(
                SourceFinding(
                    source: sample ?? digest, attempts: try row["attempts"].decode(Int.self),
                    distinctAccounts: try row["accounts"].decode(Int.self), accounts: tried,
                    firstSeen: try row["first"].decode(Date.self), lastSeen: try row["last"].decode(Date.self)))
        }
        return (total, sources)
    }

    func failures(of accounts: [String], from: Date, to: Date, sourcesPerAccount: Int) throws -> [String: AccountFailures] {
        var result: [String: AccountFailures] = [:]
        for account in accounts {
            guard
                let totals = try rows(
                    """
                    SELECT COUNT(*) AS attempts, MAX(time) AS last FROM login_event
                    WHERE account = \(account) AND time >= \(from) AND time < \(to) AND result <> 'success'
                    """
                ).first
            else { continue }
            let sources = try rows(
                """
                SELECT COALESCE(MIN(source), source_digest, '-') AS source, COUNT(*) AS attempts FROM login_event
                WHERE account = \(account) AND time >= \(from) AND time < \(to) AND result <> 'success'
                GROUP BY source_digest ORDER BY attempts DESC, source_digest LIMIT \(sourcesPerAccount)
                """
            ).map { Attempts(name: try $0["source"].decode(String.self), attempts: try $0["attempts"].decode(Int.self)) }
            result[account] = AccountFailures(
                attempts: try totals["attempts"].decode(Int.self), last: try totals["last"].decode(Date?.self), sources: sources)
        }
        return result
    }

    func unknownUsers(from: Date, to: Date, minimum: Int) throws -> (totals: UnknownUserTotals, names: [UnknownUser]) {
        let names = try rows(
            """
            SELECT account, COUNT(*) AS attempts, COUNT(DISTINCT source_digest) AS sources, MAX(time) AS last
            FROM login_event WHERE time >= \(from) AND time < \(to) AND result = 'unknown-user'
            GROUP BY account HAVING COUNT(*) >= \(minimum) ORDER BY attempts DESC, account
            """
        ).map {
            UnknownUser(
                name: try $0["account"].decode(String.self), attempts: try $0["attempts"].decode(Int.self),
                sources: try $0["sources"].decode(Int.self), lastSeen: try $0["last"].decode(Date.self))
        }
        let row = try rows(
            """
            SELECT COUNT(*) AS attempts, COUNT(DISTINCT account) AS names FROM login_event
            WHERE time >= \(from) AND time < \(to) AND result = 'unknown-user'
            """
        ).first
        return (
            UnknownUserTotals(
                attempts: try row?["attempts"].decode(Int.self) ?? 0, names: try row?["names"].decode(Int.self) ?? 0),
            names
        )
    }

    func auditEntries(from: Date, limit: Int) throws -> (total: Int, entries: [AuditEntry], counts: [String: Int]) {
        var counts: [String: Int] = [:]
        for row in try rows("SELECT action, COUNT(*) AS n FROM audit WHERE time >= \(from) GROUP BY action") {
            counts[try row["action"].decode(String.self)] = try row["n"].decode(Int.self)
        }
        let entries = try rows("SELECT * FROM audit WHERE time >= \(from) ORDER BY sequence LIMIT \(limit)").map(Self.audit)
        return (counts.values.reduce(0, +), entries, counts)
    }

    func auditCheckpoint() throws -> AuditCheckpoint? {
        try rows("SELECT * FROM audit_checkpoint WHERE id = 1").first.map {
            AuditCheckpoint(
                sequence: try $0["sequence"].decode(Int64.self), hash: try $0["hash"].decode(String.self),
                time: Date(timeIntervalSince1970: try $0["epoch"].decode(Double.self)),
                createdAt: try $0["created_at"].decode(Date.self))
        }
    }

    func retentionRemovals(from: Date, to: Date) throws -> (runs: Int, removed: [RetainedRecord: Int]) {
        let runs =
            try scalar("SELECT COUNT(DISTINCT run) FROM retention_log WHERE run >= \(from) AND run < \(to)", as: Int.self) ?? 0
        var removed: [RetainedRecord: Int] = [:]
        for row in try rows(
            "SELECT record, SUM(removed)::bigint AS n FROM retention_log WHERE run >= \(from) AND run < \(to) GROUP BY record")
        {
            if let record = RetainedRecord(rawValue: try row["record"].decode(String.self)) {
                removed[record] = try row["n"].decode(Int.self)
            }
        }
        return (runs, removed)
    }

    func latestSiteChecks() throws -> [SiteLatestCheck]? {
        // As SQLite's: every row of a site's latest check run, found through (domain, checked_at).
        try rows(
            """
            SELECT s.domain, s.customer_id, cu.name AS customer_name, k.verdict, k.problems, k.checked_at, k.not_after,
                k.endpoint, k.starttls, k.codes, k.sources
            FROM site s
            LEFT JOIN customer cu ON cu.id = s.customer_id
            LEFT JOIN site_check k ON k.domain = s.domain AND k.checked_at = (
                SELECT checked_at FROM site_check WHERE domain = s.domain ORDER BY checked_at DESC LIMIT 1)
            ORDER BY s.domain, k.id
            """
        ).map { row in
            let domain = try row["domain"].decode(String.self)
            var check: SiteCheckResult?
            if let verdict = try row["verdict"].decode(String?.self), let checkedAt = try row["checked_at"].decode(Date?.self) {
                check = StoredSiteCheck(
                    problems: try row["problems"].decode(String?.self), codes: try row["codes"].decode(String?.self),
                    sources: try row["sources"].decode(String?.self), verdict: verdict,
                    starttls: try row["starttls"].decode(String?.self)
                ).check(
                    domain: domain, endpoint: try row["endpoint"].decode(String?.self), checkedAt: checkedAt,
                    notAfter: try row["not_after"].decode(Date?.self))
            }
            return SiteLatestCheck(
                domain: domain, customerID: try row["customer_id"].decode(String.self),
                customerName: try row["customer_name"].decode(String?.self), check: check)
        }
    }

    // MARK: Retention

    func deleteLoginEvents(before cutoff: Date) throws -> Int {
        try changed("DELETE FROM login_event WHERE time < \(cutoff)")
    }

    func deleteSiteChecks(before cutoff: Date) throws -> Int? {
        try changed("DELETE FROM site_check WHERE checked_at < \(cutoff)")
    }

    func deletePasswordHistory(before cutoff: Date?, keep: Int) throws -> Int {
        var removed = 0
        if let cutoff { removed += try changed("DELETE FROM password_history WHERE set_at < \(cutoff)") }
        removed += try changed(
            """
            DELETE FROM password_history WHERE id IN (
                SELECT id FROM (
                    SELECT id, ROW_NUMBER() OVER (PARTITION BY account ORDER BY id DESC) AS position
                    FROM password_history) AS ranked
                WHERE position > \(keep))
            """)
        return removed
    }

    func pruneAudit(through checkpoint: AuditCheckpoint) throws -> Int {
        let removed = try changed("DELETE FROM audit WHERE sequence <= \(checkpoint.sequence)")
        try run(
            """
            INSERT INTO audit_checkpoint (id, sequence, hash, time, epoch, created_at)
            VALUES (1, \(checkpoint.sequence), \(checkpoint.hash), \(checkpoint.time), \(checkpoint.time.timeIntervalSince1970),
                \(checkpoint.createdAt))
            ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash, time = excluded.time,
                epoch = excluded.epoch, created_at = excluded.created_at
            """)
        return removed
    }

    func recordRetention(time: Date, record: RetainedRecord, removed: Int, cutoff: Date) throws {
        try run(
            """
            INSERT INTO retention_log (run, record, removed, cutoff) VALUES (\(time), \(record.rawValue), \(removed), \(cutoff))
            """)
    }

    private static func add(_ condition: AccountCondition, to query: inout QueryBuilder) {
        switch condition {
        case .passwordSetBefore(let cutoffs):
            query.add("a.must_change = false AND (false")
            for (kind, cutoff) in cutoffs.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                query.add(" OR (a.kind = ")
                query.bind(kind.rawValue)
                query.add(" AND a.password_set_at < ")
                query.bind(cutoff)
                query.add(")")
            }
            query.add(")")
        case .passwordSetBetween(let ranges):
            query.add("a.must_change = false AND (false")
            for (kind, range) in ranges.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                query.add(" OR (a.kind = ")
                query.bind(kind.rawValue)
                query.add(" AND a.password_set_at >= ")
                query.bind(range.lowerBound)
                query.add(" AND a.password_set_at < ")
                query.bind(range.upperBound)
                query.add(")")
            }
            query.add(")")
        case .mustChange:
            query.add("a.must_change = true")
        case .locked(let now):
            query.add("(a.locked = true OR a.locked_until > ")
            query.bind(now)
            query.add(")")
        case .noLoginSince(let cutoff):
            query.add("COALESCE(a.last_login, a.created_at) < ")
            query.bind(cutoff)
        }
    }
}
