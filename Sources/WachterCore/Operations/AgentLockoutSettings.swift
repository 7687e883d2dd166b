public import Foundation

/// How failed logins lock an account, and throttle an address.
///
/// The agent's own lockout numbers, in seconds, until they are wired to the policy
/// engine's `LockoutSettings` (the policy's `[lockout]` section, in minutes; main has it
/// now): until then ``AgentLockoutSettings/default`` and `wachter serve`'s options apply. Defaults follow NIST SP 800-63B-4
/// (rate limiting, at most 100 consecutive failures).
public struct AgentLockoutSettings: Sendable, Equatable {
    /// The most consecutive failures any setting allows (NIST SP 800-63B-4, 3.2.2).
    public static let hardCap = 100

    /// Distinct failed passwords for one account within ``window`` that lock it.
    public var failures: Int
    /// The window in which an account's failures are counted.
    public var window: TimeInterval
    /// How long an account stays locked.
    public var duration: TimeInterval
    /// Distinct failed passwords from one address within ``sourceWindow`` that throttle it.
    public var sourceFailures: Int
    /// The window in which an address's failures are counted.
    public var sourceWindow: TimeInterval
    /// How long an address stays throttled.
    public var sourceDuration: TimeInterval

    /// Creates settings; counts are clamped to 1...``hardCap`` and times to at least one second.
    ///
    /// - Parameters:
    ///   - failures: Failures per account that lock it.
    ///   - window: The account's counting window, in seconds.
    ///   - duration: The account's lock, in seconds.
    ///   - sourceFailures: Failures per address that throttle it.
    ///   - sourceWindow: The address's counting window, in seconds.
    ///   - sourceDuration: The address's throttle, in seconds.
    public init(
        failures: Int = 10, window: TimeInterval = 900, duration: TimeInterval = 900,
        sourceFailures: Int = 20, sourceWindow: TimeInterval = 300, sourceDuration: TimeInterval = 900
    ) {
        self.failures = min(max(failures, 1), Self.hardCap)
        self.window = max(window, 1)
        self.duration = max(duration, 1)
        self.sourceFailures = min(max(sourceFailures, 1), Self.hardCap)
        self.sourceWindow = max(sourceWindow, 1)
        self.sourceDuration = max(sourceDuration, 1)
    }

    /// The defaults: 10 failures in 15 minutes lock an account for 15 minutes; 20 in 5 minutes throttle an address for 15.
    public static let `default` = AgentLockoutSettings()
}

extension AgentLockoutSettings {
    /// The agent's numbers from the policy file's lockout settings (minutes become seconds).
    ///
    /// - Parameter policy: The `[defaults.lockout]` (or a kind's) settings.
    public init(policy: LockoutSettings) {
        self.init(
            failures: policy.failures, window: TimeInterval(policy.windowMinutes) * 60,
            duration: TimeInterval(policy.durationMinutes) * 60, sourceFailures: policy.sourceFailures,
            sourceWindow: TimeInterval(policy.sourceWindowMinutes) * 60,
            sourceDuration: TimeInterval(policy.sourceWindowMinutes) * 60)
    }
}
