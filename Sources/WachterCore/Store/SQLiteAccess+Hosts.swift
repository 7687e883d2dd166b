internal import Foundation
internal import GRDB

// Several hosts on one store (docs/HOSTS.md): the host registry, the once-per-business
// jobs, the failures every host recorded, and the audit entries a host catches up on.
extension SQLiteAccess {
    func hosts() throws -> [HostRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM host ORDER BY name").map { row in
            HostRecord(
                name: row["name"], version: row["version"], startedAt: Date(timeIntervalSince1970: row["started_at"]),
                lastSeen: Date(timeIntervalSince1970: row["last_seen"]), position: row["change_position"])
        }
    }

    func upsert(_ host: HostRecord) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO host (name, version, started_at, last_seen, change_position) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                host.name, host.version, host.startedAt.timeIntervalSince1970, host.lastSeen.timeIntervalSince1970,
                host.position,
            ])
    }

    func jobRuns() throws -> [JobRun] {
        try Row.fetchAll(db, sql: "SELECT * FROM job_run ORDER BY job").map { row in
            JobRun(
                job: row["job"], host: row["host"], startedAt: Date(timeIntervalSince1970: row["started_at"]),
                finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:)), outcome: row["outcome"])
        }
    }

    func setJobRun(_ run: JobRun) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO job_run (job, host, started_at, finished_at, outcome) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                run.job, run.host, run.startedAt.timeIntervalSince1970, run.finishedAt?.timeIntervalSince1970, run.outcome,
            ])
    }

    func countedFailures(account: String?, sourceDigest: String?, since: Date) throws -> Int {
        var (clauses, arguments) = Self.loginEvents(
            ["result IN ('failure', 'unknown-user')", "repeated = 0"], account: account, sourceDigest: sourceDigest,
            since: since)
        if let account {
            // Only those after the account's latest success.
            clauses.append(
                "id > COALESCE((SELECT MAX(id) FROM login_event WHERE account = ? AND time >= ? AND result = 'success'), 0)")
            arguments += [account, since.timeIntervalSince1970]
        }
        return try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM login_event WHERE \(clauses.joined(separator: " AND "))", arguments: arguments) ?? 0
    }

    func auditEntries(after sequence: Int64, actions: Set<String>, limit: Int) throws -> [AuditEntry] {
        guard !actions.isEmpty else { return [] }
        let names = actions.sorted()
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        var arguments: StatementArguments = [sequence]
        arguments += StatementArguments(names)
        arguments += [limit]
        return try Row.fetchAll(
            db,
            sql: "SELECT * FROM audit WHERE sequence > ? AND action IN (\(marks)) ORDER BY sequence LIMIT ?",
            arguments: arguments
        ).map(Self.audit)
    }
}
