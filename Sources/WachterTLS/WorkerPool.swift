import Dispatch
import Foundation
import Synchronization

/// A fixed set of threads of our own for blocking work.
///
/// Checks block in getaddrinfo(3) and wait in poll(2); Swift's cooperative thread
/// pool has one thread per core and must never block, so that work runs here and
/// is bridged back to async code with a continuation (`SiteChecker.check`).
final class WorkerPool: Sendable {
    private typealias Job = @Sendable () -> Void

    private let queue = Mutex<(jobs: [Job], head: Int, closed: Bool)>((jobs: [], head: 0, closed: false))
    private let available = DispatchSemaphore(value: 0)
    private let threadCount: Int

    /// Starts `threads` threads that wait for work.
    init(threads: Int) {
        threadCount = max(1, threads)
        for index in 0..<threadCount {
            let thread = Thread { [self] in workLoop() }
            thread.name = "wachter-tls-\(index)"
            thread.stackSize = 512 * 1024
            thread.start()
        }
    }

    /// Lets the threads finish the queued work and exit.
    func shutdown() {
        queue.withLock { $0.closed = true }
        for _ in 0..<threadCount { available.signal() }
    }

    /// Queues `job` for the next free thread.
    func submit(_ job: @escaping @Sendable () -> Void) {
        queue.withLock { state in
            state.jobs.append(job)
        }
        available.signal()
    }

    private func workLoop() {
        while true {
            available.wait()
            let job: Job? = queue.withLock { state in
                guard state.head < state.jobs.count else { return nil }
                let job = state.jobs[state.head]
                state.head += 1
                if state.head == state.jobs.count {
                    state.jobs.removeAll(keepingCapacity: true)
                    state.head = 0
                }
                return job
            }
            guard let job else {
                // Woken without work: only `shutdown` does that.
                if queue.withLock({ $0.closed }) { return }
                continue
            }
            job()
        }
    }
}
