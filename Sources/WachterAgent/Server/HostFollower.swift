internal import Foundation
public import Logging
public import NIOPosix
public import ServiceLifecycle
public import WachterCore

/// The agent's part in a business with several hosts on one store (docs/HOSTS.md): it
/// registers the host and beats at an interval (on SQLite too, for `host list`), and on
/// a shared (PostgreSQL) store it
/// listens for every host's commits and runs this host's follow-up for them (re-export
/// of its own targets, cache flush), catching up from its stored position after a
/// restart or a lost connection.
public final class HostFollower: Service, Sendable {
    private let services: WachterServices
    private let pool: NIOThreadPool
    private let logger: Logger
    private let heartbeat: Duration
    private let retry: Duration

    /// Creates the follower.
    ///
    /// - Parameters:
    ///   - services: The services, with this host's follow-up and name.
    ///   - pool: Threads for the store's blocking calls.
    ///   - logger: The logger.
    ///   - heartbeat: How often the host record is renewed (and the store looked at, in case a signal was missed).
    ///   - retry: How long to wait before listening again after a lost connection.
    public init(
        services: WachterServices, pool: NIOThreadPool, logger: Logger, heartbeat: Duration = .seconds(30),
        retry: Duration = .seconds(1)
    ) {
        self.services = services
        self.pool = pool
        self.logger = logger
        self.heartbeat = heartbeat
        self.retry = retry
    }

    public func run() async throws {
        let startedAt = services.clock.now()
        // Where it left off; read at the first follow, which the store may not allow at once.
        var position: Int64? = nil
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wake.yield()
        await withDiscardingTaskGroup { group in
            if services.changes.isShared {
                group.addTask { await self.listen(wake) }
            }
            group.addTask {
                while (try? await Task.sleep(for: self.heartbeat)) != nil { wake.yield() }
            }
            group.addTask {
                try? await gracefulShutdown()
                wake.finish()
            }
            // A heartbeat wakes it too, so that a missed announcement is caught up within one interval.
            for await _ in wakes {
                position = await follow(from: position, startedAt: startedAt)
            }
            group.cancelAll()
        }
    }

    /// Listens until cancelled, listening again after each lost connection.
    private func listen(_ wake: AsyncStream<Void>.Continuation) async {
        while !Task.isCancelled {
            do {
                try await services.changes.listen { wake.yield() }
            } catch {
                guard !Task.isCancelled else { return }
                logger.warning("not listening for changes; trying again", metadata: ["error": "\(error)"])
            }
            // What was committed while not listening is caught up once listening again.
            try? await Task.sleep(for: retry)
        }
    }

    /// Follows what changed after `position` (nil: the host record's, else 0) and renews
    /// the host record; returns the new position, or the old one when the store failed.
    private func follow(from position: Int64?, startedAt: Date) async -> Int64? {
        let services = services
        do {
            let (start, reached, failures) = try await pool.runIfActive {
                // A host's first agent starts at the head: its exports were written when it was set up.
                let start = try position ?? services.hosts.current()?.position ?? services.changes.head()
                // On a store of one host (SQLite) every change was followed up where it was made.
                let result =
                    services.changes.isShared
                    ? try services.changes.follow(after: start) : (position: try services.changes.head(), failures: [])
                try services.hosts.beat(startedAt: startedAt, position: result.position)
                return (start, result.position, result.failures)
            }
            for failure in failures {
                logger.error("follow-up of a change failed", metadata: ["error": "\(failure)"])
            }
            if reached != start {
                logger.info("followed changes", metadata: ["from": "\(start)", "to": "\(reached)"])
            }
            return reached
        } catch {
            logger.warning("cannot follow changes now", metadata: ["error": "\(error)"])
            return position
        }
    }
}
