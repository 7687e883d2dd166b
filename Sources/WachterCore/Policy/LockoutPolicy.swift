public import Foundation

/// The recent failed logins that a lockout decision looks at.
public struct LoginFailureHistory: Sendable, Equatable {
    /// When this account's recent failed logins happened, from any source.
    public var accountFailures: [Date]
    /// This account's failures since its last successful login.
    public var consecutiveFailures: Int
    /// When this source address's recent failed logins happened, over all accounts.
    public var sourceFailures: [Date]
    /// Until when the account is locked, if it is.
    public var lockedUntil: Date?

    /// Creates a history.
    ///
    /// - Parameters:
    ///   - accountFailures: The account's recent failures.
    ///   - consecutiveFailures: The account's failures since its last success.
    ///   - sourceFailures: The source's recent failures.
    ///   - lockedUntil: The end of a current lock.
    public init(
        accountFailures: [Date] = [], consecutiveFailures: Int = 0, sourceFailures: [Date] = [],
        lockedUntil: Date? = nil
    ) {
        self.accountFailures = accountFailures
        self.consecutiveFailures = consecutiveFailures
        self.sourceFailures = sourceFailures
        self.lockedUntil = lockedUntil
    }
}

/// What to do about a login attempt or a failure.
public enum LockoutDecision: Sendable, Equatable {
    /// Go ahead.
    case allow
    /// The account is locked until the given time.
    case accountLocked(until: Date)
    /// The account had too many failures in a row; only an operator can unlock it.
    case accountDisabled
    /// The source address is throttled until the given time.
    case sourceThrottled(until: Date)
}

/// Lockout and throttling as a value with the time as a parameter.
public struct LockoutPolicy: Sendable, Equatable {
    /// The lockout settings.
    public var settings: LockoutSettings

    /// Creates the policy.
    ///
    /// - Parameter settings: The lockout settings.
    public init(settings: LockoutSettings) { self.settings = settings }

    /// How many of the given times fall within a window ending now, and the earliest.
    private func recent(_ times: [Date], window: TimeInterval, now: Date) -> (count: Int, earliest: Date?) {
        let start = now.addingTimeInterval(-window)
        let inside = times.filter { $0 > start && $0 <= now }
        return (inside.count, inside.min())
    }

    /// Decides whether a login attempt may be checked at all.
    ///
    /// - Parameters:
    ///   - history: The account's and source's recent failures.
    ///   - now: The time of the attempt.
    /// - Returns: `.allow`, or why the attempt is refused without checking the password.
    public func beforeAttempt(_ history: LoginFailureHistory, at now: Date) -> LockoutDecision {
        if history.consecutiveFailures >= min(settings.maxConsecutiveFailures, LockoutSettings.hardCap) {
            return .accountDisabled
        }
        if let until = history.lockedUntil, until > now { return .accountLocked(until: until) }
        let source = recent(history.sourceFailures, window: settings.sourceWindow, now: now)
        if source.count >= settings.sourceFailures, let earliest = source.earliest {
            // Judged from stored failures: throttled until the oldest counted one leaves the window.
            return .sourceThrottled(until: earliest.addingTimeInterval(settings.sourceWindow))
        }
        return .allow
    }

    /// Decides what a failed login leads to.
    ///
    /// - Parameters:
    ///   - history: The recent failures, including the one just made.
    ///   - now: The time of the failure.
    /// - Returns: `.accountDisabled` at the consecutive cap, `.accountLocked` when the
    ///   window's failures reach the limit, otherwise `.allow`.
    public func afterFailure(_ history: LoginFailureHistory, at now: Date) -> LockoutDecision {
        if history.consecutiveFailures >= min(settings.maxConsecutiveFailures, LockoutSettings.hardCap) {
            return .accountDisabled
        }
        let account = recent(history.accountFailures, window: settings.window, now: now)
        if account.count >= settings.failures {
            return .accountLocked(until: now.addingTimeInterval(settings.duration))
        }
        return .allow
    }
}
