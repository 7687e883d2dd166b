public import Logging
public import NIOPosix
public import ServiceLifecycle
internal import Synchronization
public import WachterCore

/// Writes what the agent's logins change — the login events, the failure counts, the last
/// login, a transparent rehash — in batches, one transaction per batch, so that a commit's
/// fsync is paid once per batch rather than once per login.
///
/// Nothing acknowledged is dropped: a full queue is written by the caller itself, a
/// failed batch is put back and tried again every ``retryInterval`` until the store is
/// back (a PostgreSQL server restarting), and graceful shutdown writes what is left
/// before ``run()`` returns. The queue is bounded: at ``queueLimit`` a login whose
/// event cannot be written is refused (its caller answers `error`) instead of queued.
public final class LoginRecorder: Service, Sendable {
    /// Queued events beyond which ``record(_:)`` writes the queue itself.
    public static let queueLimit = 50_000
    /// How long after a failed write the queue is tried again.
    public static let retryInterval: Duration = .seconds(1)

    private let logins: LoginService
    private let logger: Logger
    private let pool: NIOThreadPool
    private let executor: (any TaskExecutor)?
    private let pending = Mutex<[LoginEffects]>([])
    /// Held while a batch is taken and written, so that a flush returns only after
    /// every batch queued before it is in the store, whoever wrote it.
    private let writing = Mutex<Void>(())
    private let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation

    /// Creates a recorder.
    ///
    /// - Parameters:
    ///   - logins: The login service whose store receives the events.
    ///   - logger: Where a failed write is logged.
    ///   - pool: The thread pool that runs the blocking writes.
    ///   - executor: Where ``run()`` waits for events; the agent gives the server's event
    ///     loop, so that a batch starts only after the answer that queued it is written.
    public init(logins: LoginService, logger: Logger, pool: NIOThreadPool, executor: (any TaskExecutor)? = nil) {
        self.logins = logins
        self.logger = logger
        self.pool = pool
        self.executor = executor
        (doorbell, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues a login event that changes nothing else.
    ///
    /// - Parameter event: The login event.
    /// - Throws: ``WachterError`` when a direct write fails.
    public func record(_ event: LoginEvent) async throws {
        try await record(LoginEffects(event: event, account: nil, matched: false))
    }

    /// Queues a login's effects; when the queue is full, writes it at once.
    ///
    /// - Parameter effects: What the login changes.
    /// - Throws: ``WachterError`` when a direct write fails.
    public func record(_ effects: LoginEffects) async throws {
        let count = pending.withLock { queue in
            queue.append(effects)
            return queue.count
        }
        if count >= Self.queueLimit {
            do {
                try await flush()
            } catch {
                // Not acknowledged: the caller answers an error, and the queue stays at its bound.
                pending.withLock { queue in _ = queue.popLast() }
                throw error
            }
        } else {
            ring.yield()
        }
    }

    /// How many events wait to be written.
    public var queued: Int { pending.withLock { $0.count } }

    /// Writes every queued event.
    ///
    /// - Throws: ``WachterError`` when the store fails; the events stay queued then.
    public func flush() async throws {
        // The batch is taken inside the write lock, on a pool thread (never the
        // cooperative pool): a concurrent flush waits for the batch in flight.
        try await pool.runIfActive { [self] in
            try writing.withLock { _ in
                let batch = pending.withLock { queue -> [LoginEffects] in
                    var taken: [LoginEffects] = []
                    swap(&taken, &queue)
                    return taken
                }
                guard !batch.isEmpty else { return }
                do {
                    try logins.apply(batch)
                } catch {
                    pending.withLock { queue in queue.insert(contentsOf: batch, at: 0) }
                    throw error
                }
            }
        }
    }

    /// Rings the doorbell again after ``retryInterval``, so that a failed batch is written once the store is back.
    private func retryLater() {
        Task { [ring] in
            try? await Task.sleep(for: Self.retryInterval)
            ring.yield()
        }
    }

    /// Writes batches as events arrive, until graceful shutdown; then writes the rest.
    ///
    /// - Throws: ``WachterError`` when the last write fails.
    public func run() async throws {
        try await withTaskExecutorPreference(executor) {
            // Graceful shutdown ends the doorbell, which ends this loop (`cancelOnGracefulShutdown()`
            // would carry every ring through a task on Swift's global pool).
            await withGracefulShutdownHandler {
                for await _ in doorbell {
                    do {
                        try await flush()
                    } catch {
                        logger.error(
                            "cannot record login events; trying again", metadata: ["error": "\(error)", "queued": "\(queued)"])
                        retryLater()
                    }
                }
            } onGracefulShutdown: { [ring] in
                ring.finish()
            }
            ring.finish()
            try await flush()
        }
    }
}
