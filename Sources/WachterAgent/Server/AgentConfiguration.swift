public import NIOCore
public import WachterCore

/// Which peers may use the agent, judged by their `SO_PEERCRED` credentials.
public struct PeerAccess: Sendable, Equatable {
    /// Whether root (uid 0) may; true in production.
    public var allowRoot: Bool
    /// Further user ids that may.
    public var uids: Set<UInt32>
    /// Group ids whose members (primary or supplementary) may.
    public var gids: Set<UInt32>

    /// Creates an access rule.
    ///
    /// - Parameters:
    ///   - allowRoot: Whether root may.
    ///   - uids: Further user ids.
    ///   - gids: Group ids whose members may.
    public init(allowRoot: Bool = true, uids: Set<UInt32> = [], gids: Set<UInt32> = []) {
        self.allowRoot = allowRoot
        self.uids = uids
        self.gids = gids
    }

    /// Whether a peer may use the agent.
    ///
    /// - Parameters:
    ///   - peer: The peer's credentials.
    ///   - supplementaryGroups: The peer's supplementary groups.
    /// - Returns: Whether it is allowed.
    public func permits(_ peer: PeerCredentials, supplementaryGroups: [UInt32]) -> Bool {
        if peer.uid == 0 { return allowRoot }
        if uids.contains(peer.uid) || gids.contains(peer.gid) { return true }
        return supplementaryGroups.contains { gids.contains($0) }
    }
}

/// How the agent runs.
public struct AgentConfiguration: Sendable {
    /// The default socket.
    public static let defaultSocketPath = "/run/wachter/agent.sock"

    /// The socket's path.
    public var socketPath: String
    /// The group that owns the socket and may use the agent, where it exists.
    public var socketGroup: String?
    /// The socket's mode.
    public var socketMode: Int
    /// Which peers may use the agent.
    public var access: PeerAccess
    /// The lockout settings.
    public var lockout: LockoutSettings
    /// Threads that hash passwords and write the store.
    public var hashingThreads: Int
    /// Requests waiting for a hashing thread beyond which the agent answers `error` (overload).
    public var maximumPending: Int
    /// How long a connection may be idle.
    public var idleTimeout: TimeAmount

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - socketPath: The socket's path.
    ///   - socketGroup: The socket's group, if it exists.
    ///   - socketMode: The socket's mode.
    ///   - access: Which peers may use the agent.
    ///   - lockout: The lockout settings.
    ///   - hashingThreads: Hashing threads; by default one per core.
    ///   - maximumPending: The overload limit.
    ///   - idleTimeout: The idle limit.
    public init(
        socketPath: String = defaultSocketPath, socketGroup: String? = "wachter", socketMode: Int = 0o660,
        access: PeerAccess = PeerAccess(), lockout: LockoutSettings = LockoutSettings(),
        hashingThreads: Int = System.coreCount, maximumPending: Int = 256, idleTimeout: TimeAmount = .seconds(30)
    ) {
        self.socketPath = socketPath
        self.socketGroup = socketGroup
        self.socketMode = socketMode
        self.access = access
        self.lockout = lockout
        self.hashingThreads = max(1, hashingThreads)
        self.maximumPending = max(1, maximumPending)
        self.idleTimeout = idleTimeout
    }
}
