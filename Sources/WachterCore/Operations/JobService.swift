public import Foundation

/// What asking to run a once-per-business job found.
public enum JobOutcome<Value: Sendable>: Sendable {
    /// This host ran it; its result.
    case ran(Value)
    /// Another run (on this host or another) started within the interval; nothing was done.
    case skipped(JobRun)
}

/// Jobs that run once per business on hosts sharing a store (docs/HOSTS.md): every
/// host's timer may start `wachter prune --once-per 1h`, and one of them runs it.
///
/// A run is claimed in a write transaction, which every backend serialises (PostgreSQL
/// under its advisory lock, SQLite under its write lock): of hosts starting at once,
/// the first claims it and the others find its claim.
public struct JobService: ContextualService {
    let context: ServiceContext

    /// The jobs that can be run once per business.
    public static let names = ["prune", "report", "site-check"]

    /// Runs `body` unless a run of `job` started within `interval`; records who ran it and how it ended.
    ///
    /// - Parameters:
    ///   - job: One of ``names``.
    ///   - interval: How long a run keeps others from starting; nil runs `body` unclaimed (manual runs).
    ///   - body: The job.
    /// - Returns: What `body` returned, or the run that kept it from running.
    /// - Throws: What `body` throws (the run is recorded as failed), or ``WachterError`` when the store fails.
    public func once<Value: Sendable>(_ job: String, per interval: TimeInterval?, _ body: () async throws -> Value)
        async throws -> JobOutcome<Value>
    {
        guard let interval else { return .ran(try await body()) }
        let claim: JobRun
        switch try self.claim(job, per: interval) {
        case .success(let run): claim = run
        case .failure(let earlier): return .skipped(earlier.run)
        }
        do {
            let value = try await body()
            try finish(claim, succeeded: true)
            return .ran(value)
        } catch {
            try? finish(claim, succeeded: false)
            throw error
        }
    }

    /// The run that kept a claim from being made.
    public struct Taken: Error {
        /// The earlier run.
        public var run: JobRun
    }

    /// Claims a run of `job` for this host, unless one started within `interval`.
    ///
    /// - Returns: The claimed run, or the earlier run that is still within its interval.
    /// - Throws: ``WachterError`` when the store fails.
    func claim(_ job: String, per interval: TimeInterval) throws -> Result<JobRun, Taken> {
        let now = clock.now()
        let claim = JobRun(job: job, host: context.host, startedAt: now)
        return try store.write { writer -> Result<JobRun, Taken> in
            if let last = try writer.jobRuns().first(where: { $0.job == job }),
                last.startedAt > now.addingTimeInterval(-interval)
            {
                return .failure(Taken(run: last))
            }
            try writer.setJobRun(claim)
            return .success(claim)
        }
    }

    private func finish(_ claim: JobRun, succeeded: Bool) throws {
        var run = claim
        run.finishedAt = clock.now()
        run.outcome = succeeded ? "ok" : "failed"
        try store.write { writer in try writer.setJobRun(run) }
    }
}
