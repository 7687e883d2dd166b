internal import Crypto
public import Foundation
internal import Synchronization
public import WachterCore

/// Counts failed logins per account and per source address, in memory.
///
/// A failure is remembered as an HMAC-SHA-256 of the account and the password under
/// a key made at random for this process, never as the password: a client that keeps
/// retrying the same wrong password (a phone with the old one) counts once within the
/// window, as Dovecot's own penalty does.
public final class FailureTracker: Sendable {
    /// The most remembered failures; the oldest are forgotten first beyond it.
    public static let capacity = 100_000

    /// The settings in force.
    public let settings: LockoutSettings
    private let key = SymmetricKey(size: .bits256)
    private let state = Mutex(State())

    private struct State {
        var recent: [Data: Date] = [:]
        var accounts: [String: [Date]] = [:]
        var sources: [String: [Date]] = [:]
        var throttled: [String: Date] = [:]
    }

    /// What counting a failure found.
    public struct Verdict: Sendable, Equatable {
        /// The same password failed for this account within the window already; nothing was counted.
        public var repeated: Bool
        /// The account's distinct failures within its window, this one included.
        public var accountFailures: Int
        /// Whether this failure throttled the source.
        public var sourceThrottled: Bool
    }

    /// Creates a tracker.
    ///
    /// - Parameter settings: The lockout settings.
    public init(settings: LockoutSettings) {
        self.settings = settings
    }

    /// The keyed fingerprint of an account and a password.
    ///
    /// - Parameters:
    ///   - account: The account's canonical name.
    ///   - password: The password tried.
    /// - Returns: The HMAC, which reveals nothing about the password without this process's key.
    public func fingerprint(account: String, password: Secret) -> Data {
        var mac = HMAC<SHA256>(key: key)
        mac.update(data: Array(account.utf8) + [0])
        password.withBytes { mac.update(data: $0) }
        return Data(mac.finalize())
    }

    /// Whether a source is throttled at `now`.
    ///
    /// - Parameters:
    ///   - source: The client's address.
    ///   - now: The current time.
    /// - Returns: Whether its attempts are refused without a check.
    public func isThrottled(source: String, at now: Date) -> Bool {
        state.withLock { state in
            guard let until = state.throttled[source] else { return false }
            if until > now { return true }
            state.throttled[source] = nil
            return false
        }
    }

    /// Counts a failed login.
    ///
    /// - Parameters:
    ///   - account: The account's canonical name (or the unknown name tried).
    ///   - source: The client's address, if known.
    ///   - fingerprint: ``fingerprint(account:password:)`` of the attempt.
    ///   - now: The current time.
    /// - Returns: What was counted.
    public func recordFailure(account: String, source: String?, fingerprint: Data, at now: Date) -> Verdict {
        let settings = settings
        return state.withLock { state in
            Self.prune(&state, account: account, source: source, now: now, settings: settings)
            if let seen = state.recent[fingerprint], now.timeIntervalSince(seen) < settings.window {
                return Verdict(repeated: true, accountFailures: state.accounts[account]?.count ?? 0, sourceThrottled: false)
            }
            state.recent[fingerprint] = now
            state.accounts[account, default: []].append(now)
            var throttled = false
            if let source {
                state.sources[source, default: []].append(now)
                if state.sources[source, default: []].count >= settings.sourceFailures {
                    state.throttled[source] = now.addingTimeInterval(settings.sourceDuration)
                    state.sources[source] = nil
                    throttled = true
                }
            }
            return Verdict(repeated: false, accountFailures: state.accounts[account]?.count ?? 0, sourceThrottled: throttled)
        }
    }

    /// How many distinct failures an account and an address have within their windows, without counting one.
    ///
    /// - Parameters:
    ///   - account: The account's canonical name.
    ///   - source: The client's address, if known.
    ///   - now: The current time.
    /// - Returns: The two counts (0 for an unknown address).
    public func recentFailures(account: String, source: String?, at now: Date) -> (account: Int, source: Int) {
        let accountStart = now.addingTimeInterval(-settings.window)
        let sourceStart = now.addingTimeInterval(-settings.sourceWindow)
        return state.withLock { state in
            let forAccount = state.accounts[account]?.count { $0 > accountStart } ?? 0
            let forSource = source.flatMap { state.sources[$0]?.count { $0 > sourceStart } } ?? 0
            return (forAccount, forSource)
        }
    }

    /// Throttles a source that every host's recorded failures show guessing (a shared store).
    ///
    /// - Parameters:
    ///   - source: The client's address.
    ///   - until: When its attempts are checked again.
    public func throttle(source: String, until: Date) {
        state.withLock { state in
            state.throttled[source] = max(state.throttled[source] ?? until, until)
            state.sources[source] = nil
        }
    }

    /// Forgets an account's failures after a successful login.
    ///
    /// - Parameter account: The account's canonical name.
    public func recordSuccess(account: String) {
        _ = state.withLock { state in state.accounts.removeValue(forKey: account) }
    }

    /// Drops what fell out of the windows: the two lists this failure touches at once,
    /// everything else only when a table reaches ``capacity``, so that a call stays short.
    private static func prune(_ state: inout State, account: String, source: String?, now: Date, settings: LockoutSettings) {
        let accountStart = now.addingTimeInterval(-settings.window)
        let sourceStart = now.addingTimeInterval(-settings.sourceWindow)
        state.accounts[account]?.removeAll { $0 <= accountStart }
        if let source { state.sources[source]?.removeAll { $0 <= sourceStart } }
        if state.recent.count >= capacity {
            state.recent = state.recent.filter { $0.value > accountStart }
            if state.recent.count >= capacity {
                for key in state.recent.sorted(by: { $0.value < $1.value }).prefix(capacity / 10).map(\.key) {
                    state.recent[key] = nil
                }
            }
        }
        if state.accounts.count >= capacity {
            state.accounts = state.accounts.filter { $0.value.last.map { $0 > accountStart } ?? false }
        }
        if state.sources.count >= capacity {
            state.sources = state.sources.filter { $0.value.last.map { $0 > sourceStart } ?? false }
        }
    }
}
