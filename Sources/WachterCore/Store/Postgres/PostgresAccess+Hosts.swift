internal import Foundation
internal import PostgresNIO

// Several hosts on one store (docs/HOSTS.md): the same queries as SQLiteAccess+Hosts.swift.
extension PostgresAccess {
    func hosts() throws -> [HostRecord] {
        try rows("SELECT * FROM host ORDER BY name").map { row in
            HostRecord(
                name: try row["name"].decode(String.self), version: try row["version"].decode(String.self),
                startedAt: try row["started_at"].decode(Date.self), lastSeen: try row["last_seen"].decode(Date.self),
                position: try row["change_position"].decode(Int64.self))
        }
    }

    func upsert(_ host: HostRecord) throws {
        try run(
            """
            INSERT INTO host (name, version, started_at, last_seen, change_position)
            VALUES (\(host.name), \(host.version), \(host.startedAt), \(host.lastSeen), \(host.position))
            ON CONFLICT (name) DO UPDATE SET version = excluded.version, started_at = excluded.started_at,
                last_seen = excluded.last_seen, change_position = excluded.change_position
            """)
    }

    func jobRuns() throws -> [JobRun] {
        try rows("SELECT * FROM job_run ORDER BY job").map { row in
            JobRun(
                job: try row["job"].decode(String.self), host: try row["host"].decode(String.self),
                startedAt: try row["started_at"].decode(Date.self), finishedAt: try row["finished_at"].decode(Date?.self),
                outcome: try row["outcome"].decode(String?.self))
        }
    }

    func setJobRun(_ run: JobRun) throws {
        try self.run(
            """
            INSERT INTO job_run (job, host, started_at, finished_at, outcome)
            VALUES (\(run.job), \(run.host), \(run.startedAt), \(run.finishedAt), \(run.outcome))
            ON CONFLICT (job) DO UPDATE SET host = excluded.host, started_at = excluded.started_at,
                finished_at = excluded.finished_at, outcome = excluded.outcome
            """)
    }

    func countedFailures(account: String?, sourceDigest: String?, since: Date) throws -> Int {
        try rows(
            """
            SELECT COUNT(*) AS n FROM login_event
            WHERE time >= \(since) AND result IN ('failure', 'unknown-user') AND NOT repeated
                AND (\(account)::text IS NULL OR (account = \(account) AND id > COALESCE(
                    (SELECT MAX(id) FROM login_event
                     WHERE account = \(account) AND time >= \(since) AND result = 'success'), 0)))
                AND (\(sourceDigest)::text IS NULL OR source_digest = \(sourceDigest))
            """
        ).first.map { try $0["n"].decode(Int.self) } ?? 0
    }

    func auditEntries(after sequence: Int64, actions: Set<String>, limit: Int) throws -> [AuditEntry] {
        guard !actions.isEmpty else { return [] }
        return try rows(
            """
            SELECT * FROM audit WHERE sequence > \(sequence) AND action = ANY(\(actions.sorted()))
            ORDER BY sequence LIMIT \(limit)
            """
        ).map(Self.audit)
    }
}
