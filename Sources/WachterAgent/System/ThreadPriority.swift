internal import Glibc

/// The scheduling priority of the agent's hashing threads (setpriority(2): on Linux the
/// nice value belongs to each thread, and `who` 0 names the calling one; see its NOTES).
///
/// A password hash takes a core for tens of milliseconds; a policy request from Dovecot,
/// a status question or an answer on the socket takes microseconds. With every core
/// hashing, those short tasks would wait out the hashes' time slices, so the hashing
/// threads run at a lower priority (nice 5) and the rest of the agent goes first.
enum ThreadPriority {
    /// The niceness of the hashing threads.
    static let hashing: Int32 = 5

    /// Lowers the calling thread to ``hashing``; raising it back needs privileges, so a
    /// pool's threads stay there. A failure leaves the priority as it was.
    static func lowerForHashing() {
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        if getpriority(which, 0) < hashing { _ = setpriority(which, 0, hashing) }
    }
}
