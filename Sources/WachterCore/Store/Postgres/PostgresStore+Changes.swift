internal import Foundation
internal import NIOPosix
internal import PostgresNIO

extension PostgresStore: SharedStore {
    /// The channel every committed audit entry is announced on (migration `v10-hosts`).
    static let changeChannel = "wachter_change"

    public func listenForChanges(_ onSignal: @escaping @Sendable () async -> Void) async throws {
        let location = location
        let logger = logger
        // The connect waits on futures; it runs on a thread of NIO's pool, not on a task's.
        let session = try await NIOThreadPool.singleton.runIfActive {
            try PostgresSession.connect(to: location, logger: logger)
        }
        defer { session.close() }
        do {
            try await session.connection.listen(on: Self.changeChannel) { notifications in
                await onSignal()
                for try await _ in notifications { await onSignal() }
            }
        } catch {
            throw WachterError(
                .storeUnavailable, "lost the connection that listens for changes to \(location)",
                cause: PostgresSession.describe(error, timeout: TimeInterval(session.connectTimeout.nanoseconds) / 1e9))
        }
        throw WachterError(.storeUnavailable, "the server at \(location) stopped announcing changes")
    }
}
