internal import Foundation
internal import Glibc
internal import NIOCore

/// The credentials of the process at the other end of a Unix socket, from `SO_PEERCRED` (socket(7), unix(7)).
public struct PeerCredentials: Sendable, Equatable {
    /// The peer's process id at connect time.
    public var pid: Int32
    /// The peer's effective user id.
    public var uid: UInt32
    /// The peer's effective primary group id.
    public var gid: UInt32

    /// Creates credentials.
    ///
    /// - Parameters:
    ///   - pid: The process id.
    ///   - uid: The user id.
    ///   - gid: The group id.
    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }
}

/// `struct ucred` of unix(7): three 32-bit fields, pid, uid and gid. Glibc declares it only
/// under `_GNU_SOURCE`, which the Swift Glibc module does not set, so it is spelled out here
/// with the same layout.
struct UnixCredentials: Sendable {
    var pid: Int32
    var uid: UInt32
    var gid: UInt32
}

/// The agent's calls into the C library: this file alone holds them (house rule 5).
enum AgentSystem {
    /// Reads `SO_PEERCRED` off a connected Unix socket channel.
    ///
    /// - Parameter channel: An accepted connection.
    /// - Returns: The peer's credentials, on the channel's event loop.
    static func peerCredentials(of channel: any Channel) -> EventLoopFuture<PeerCredentials> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(ProtocolViolation("not a socket"))
        }
        // The generic parameter must be exactly `struct ucred`, the type unix(7) gives
        // for SO_PEERCRED; that is what makes this call sound.
        let future: EventLoopFuture<UnixCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return future.map { credentials in
            PeerCredentials(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid)
        }
    }

    /// The id of a group, through NSS (getgrnam_r(3)).
    ///
    /// - Parameter name: The group's name.
    /// - Returns: Its id, or nil when there is no such group.
    static func groupID(named name: String) -> UInt32? {
        var group = unsafe Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>? = nil
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = unsafe buffer.withUnsafeMutableBufferPointer { storage in
            unsafe getgrnam_r(name, &group, storage.baseAddress, storage.count, &result)
        }
        guard status == 0, unsafe result != nil else { return nil }
        return unsafe group.gr_gid
    }

    /// Runs `body` with the process umask set to `mask` (umask(2)); the socket file is
    /// created under it, so that it is never more open than intended.
    static func withUmask<T>(_ mask: mode_t, _ body: () async throws -> T) async rethrows -> T {
        let previous = umask(mask)
        defer { umask(previous) }
        return try await body()
    }

    /// Gives a file to a group (chown(2)).
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - gid: The group id.
    /// - Returns: The errno text on failure, nil on success.
    static func changeGroup(_ path: String, to gid: UInt32) -> String? {
        guard unsafe chown(path, uid_t.max, gid) == 0 else { return unsafe String(cString: strerror(errno)) }
        return nil
    }

    /// The supplementary groups of a process, from `/proc/PID/status` (proc(5)).
    ///
    /// - Parameter pid: The process id.
    /// - Returns: Its group ids; empty when the process is gone.
    static func supplementaryGroups(of pid: Int32) -> [UInt32] {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return [] }
        for line in status.split(separator: "\n") where line.hasPrefix("Groups:") {
            return line.dropFirst("Groups:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { UInt32($0) }
        }
        return []
    }
}
