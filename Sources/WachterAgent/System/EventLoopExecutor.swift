public import NIOCore

/// Runs Swift Concurrency jobs on one SwiftNIO event loop.
///
/// The agent's tasks (the accept loop, each connection and the login recorder) prefer
/// this executor (SE-0417, `withTaskExecutorPreference`), so that a request is decoded,
/// answered and written on the thread that owns its socket. Without it every frame
/// crossed to Swift's cooperative pool and back, two more thread wake-ups per request on
/// a machine whose cores the hashing already keeps busy (docs/BENCH-auth.md). Blocking
/// work never runs here: hashing and store access go to the agent's thread pools.
public final class EventLoopExecutor: TaskExecutor {
    /// The event loop that runs the jobs.
    public let eventLoop: any EventLoop

    /// Creates an executor for an event loop.
    ///
    /// - Parameter eventLoop: The event loop that runs the jobs.
    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Runs a job on the event loop, after the work the loop has queued already.
    ///
    /// - Parameter job: The job.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // Unsafe only in that `UnownedTaskExecutor` is an unowned reference: the closure
        // holds `self` strongly, so the executor outlives the job that names it.
        eventLoop.execute { unsafe job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
