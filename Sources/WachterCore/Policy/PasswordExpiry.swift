public import Foundation

/// Where a password stands against the rotation policy at some moment.
public enum ExpiryStatus: Sendable, Equatable {
    /// The policy never expires passwords.
    case never
    /// Valid until the given time, and not yet in the warning period.
    case valid(until: Date)
    /// Valid until the given time, which is within the warning period.
    case warning(until: Date, daysLeft: Int)
    /// Expired at the given time.
    case expired(since: Date)
    /// Must be changed at the next login, as after a reset.
    case mustChange
}

/// The rotation policy of one account kind, as a value with the time as a parameter.
public struct PasswordExpiry: Sendable, Equatable {
    /// The rotation settings.
    public var rotation: RotationSettings

    /// Creates the rule.
    ///
    /// - Parameter rotation: The rotation settings.
    public init(rotation: RotationSettings) { self.rotation = rotation }

    /// When a password set at a time expires.
    ///
    /// - Parameter setAt: When the password was set.
    /// - Returns: The expiry time, or nil when passwords never expire.
    public func expiry(setAt: Date) -> Date? {
        guard rotation.maxAgeDays > 0 else { return nil }
        return setAt.addingTimeInterval(TimeInterval(rotation.maxAgeDays) * 86_400)
    }

    /// Where a password stands at a moment.
    ///
    /// - Parameters:
    ///   - setAt: When the password was set.
    ///   - mustChange: Whether the account is flagged to change at the next login.
    ///   - now: The moment to judge at.
    /// - Returns: The status.
    public func status(setAt: Date, mustChange: Bool, at now: Date) -> ExpiryStatus {
        if mustChange { return .mustChange }
        guard let expiry = expiry(setAt: setAt) else { return .never }
        if now >= expiry { return .expired(since: expiry) }
        let left = expiry.timeIntervalSince(now)
        if left <= TimeInterval(rotation.warnDays) * 86_400 {
            return .warning(until: expiry, daysLeft: Int((left / 86_400).rounded(.up)))
        }
        return .valid(until: expiry)
    }
}

extension WachterPolicy {
    /// When a password of an account kind set at a time expires.
    ///
    /// - Parameters:
    ///   - setAt: When the password was set.
    ///   - kind: The account kind.
    /// - Returns: The expiry time, or nil when that kind's passwords never expire.
    public func passwordExpiry(setAt: Date, kind: String) -> Date? {
        PasswordExpiry(rotation: settings(forKind: kind).rotation).expiry(setAt: setAt)
    }

    /// Where a password of an account kind stands at a moment.
    ///
    /// - Parameters:
    ///   - setAt: When the password was set.
    ///   - kind: The account kind.
    ///   - mustChange: Whether the account must change its password at the next login.
    ///   - now: The moment to judge at.
    /// - Returns: The status.
    public func expiryStatus(setAt: Date, kind: String, mustChange: Bool, at now: Date) -> ExpiryStatus {
        PasswordExpiry(rotation: settings(forKind: kind).rotation).status(setAt: setAt, mustChange: mustChange, at: now)
    }
}
