public import Foundation

/// One host as `wachter host list` shows it: its registration, whether it is stale, its
/// export files and the once-per-business jobs it ran last.
public struct HostStatus: Codable, Sendable, Equatable {
    /// One export file of the host.
    public struct Target: Codable, Sendable, Equatable {
        /// The file.
        public var path: String
        /// When the host last wrote it.
        public var writtenAt: Date?
    }

    /// The host's name.
    public var name: String
    /// Its agent's Wachter version; nil for a host that only ran commands (no agent).
    public var version: String?
    /// When its agent started.
    public var startedAt: Date?
    /// Its agent's latest heartbeat.
    public var lastSeen: Date?
    /// Whether its agent has not been seen for longer than the limit asked for (or never).
    public var stale: Bool
    /// The audit sequence through which it has followed every host's changes.
    public var position: Int64?
    /// Its export files.
    public var targets: [Target]
    /// The jobs whose latest run was on this host.
    public var jobs: [JobRun]
}

/// The host registry (docs/HOSTS.md): each agent registers its host and beats, and
/// `wachter host list` reads it with each host's export files and jobs.
public struct HostService: ContextualService {
    let context: ServiceContext

    /// The host's record, if its agent registered.
    ///
    /// - Returns: The record of ``ServiceContext/host``.
    /// - Throws: ``WachterError`` when the store fails.
    public func current() throws -> HostRecord? {
        try store.read { reader in try reader.hosts().first { $0.name == context.host } }
    }

    /// Registers the host or records a heartbeat: its version, when its agent started and
    /// how far it has followed the changes.
    ///
    /// - Parameters:
    ///   - startedAt: When the agent started.
    ///   - position: The audit sequence followed through.
    /// - Throws: ``WachterError`` when the store fails.
    public func beat(startedAt: Date, position: Int64) throws {
        let record = HostRecord(
            name: context.host, version: WachterVersion.string, startedAt: startedAt, lastSeen: clock.now(),
            position: position)
        try store.write { writer in try writer.upsert(record) }
    }

    /// Every host that registered or wrote an export file, by name.
    ///
    /// - Parameter staleAfter: How long since its last heartbeat a host is flagged stale.
    /// - Returns: The hosts.
    /// - Throws: ``WachterError`` when the store fails.
    public func list(staleAfter: TimeInterval) throws -> [HostStatus] {
        let now = clock.now()
        let (records, stamps, runs) = try store.read { reader in
            (try reader.hosts(), try reader.exportStamps(), try reader.jobRuns())
        }
        let byName = Dictionary(uniqueKeysWithValues: records.map { ($0.name, $0) })
        let names = Set(records.map(\.name)).union(stamps.map(\.host)).union(runs.map(\.host)).sorted()
        return names.map { name in
            let record = byName[name]
            return HostStatus(
                name: name, version: record?.version, startedAt: record?.startedAt, lastSeen: record?.lastSeen,
                stale: record.map { now.timeIntervalSince($0.lastSeen) > staleAfter } ?? true, position: record?.position,
                targets: stamps.filter { $0.host == name }.map { HostStatus.Target(path: $0.path, writtenAt: $0.writtenAt) },
                jobs: runs.filter { $0.host == name })
        }
    }
}
