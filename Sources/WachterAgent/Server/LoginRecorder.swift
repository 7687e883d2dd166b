internal import Logging
public import NIOPosix
public import ServiceLifecycle
internal import Synchronization
public import WachterCore

/// Records the login events that the agent answers without a password check
/// (a throttled source) in batches, one transaction per batch.
///
/// Nothing is dropped: a full queue is written by the caller itself, a failed batch
/// is put back, and graceful shutdown writes what is left before ``run()`` returns.
public final class LoginRecorder: Service, Sendable {
    /// Queued events beyond which ``record(_:)`` writes the queue itself.
    public static let queueLimit = 50_000

    private let service: CredentialService
    private let pool: NIOThreadPool
    private let pending = Mutex<[LoginEvent]>([])
    private let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation

    /// Creates a recorder.
    ///
    /// - Parameters:
    ///   - service: The credential service whose store receives the events.
    ///   - pool: The thread pool that runs the blocking writes.
    public init(service: CredentialService, pool: NIOThreadPool) {
        self.service = service
        self.pool = pool
        (doorbell, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues an event; when the queue is full, writes it at once.
    ///
    /// - Parameter event: The login event.
    /// - Throws: ``WachterError`` when a direct write fails.
    public func record(_ event: LoginEvent) async throws {
        let count = pending.withLock { queue in
            queue.append(event)
            return queue.count
        }
        if count >= Self.queueLimit {
            try await flush()
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
        let batch = pending.withLock { queue -> [LoginEvent] in
            var taken: [LoginEvent] = []
            swap(&taken, &queue)
            return taken
        }
        guard !batch.isEmpty else { return }
        let service = service
        do {
            try await pool.runIfActive { try service.recordLogins(batch) }
        } catch {
            pending.withLock { queue in queue.insert(contentsOf: batch, at: 0) }
            throw error
        }
    }

    /// Writes batches as events arrive, until graceful shutdown; then writes the rest.
    ///
    /// - Throws: ``WachterError`` when the last write fails.
    public func run() async throws {
        for await _ in doorbell.cancelOnGracefulShutdown() {
            do {
                try await flush()
            } catch {
                service.logger.error("cannot record login events", metadata: ["error": "\(error)"])
            }
        }
        ring.finish()
        try await flush()
    }
}
