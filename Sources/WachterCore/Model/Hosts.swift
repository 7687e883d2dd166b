public import Foundation

/// One server that runs an agent on a shared store (docs/HOSTS.md): registered when the
/// agent starts, seen again at each heartbeat.
public struct HostRecord: Codable, Sendable, Equatable {
    /// The host's name (`wachter serve --host`, `$WACHTER_HOST`, else the system's host name).
    public var name: String
    /// The Wachter version its agent runs.
    public var version: String
    /// When its agent started.
    public var startedAt: Date
    /// Its latest heartbeat.
    public var lastSeen: Date
    /// The audit sequence through which it has followed the changes of every host
    /// (re-exported, caches flushed); where it catches up from after a restart.
    public var position: Int64

    /// Creates a host record.
    public init(name: String, version: String, startedAt: Date, lastSeen: Date, position: Int64 = 0) {
        self.position = position
        self.name = name
        self.version = version
        self.startedAt = startedAt
        self.lastSeen = lastSeen
    }
}

/// The latest run of a job that runs once per business (`prune`, the mailed report,
/// the site checks), whichever host ran it.
public struct JobRun: Codable, Sendable, Equatable {
    /// The job: `prune`, `report`, `site-check`.
    public var job: String
    /// The host that ran it.
    public var host: String
    /// When it started.
    public var startedAt: Date
    /// When it ended, once it has.
    public var finishedAt: Date?
    /// How it ended: `ok`, or `failed`; nil while it runs.
    public var outcome: String?

    /// Creates a job run.
    public init(job: String, host: String, startedAt: Date, finishedAt: Date? = nil, outcome: String? = nil) {
        self.job = job
        self.host = host
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
    }
}
