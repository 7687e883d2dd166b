public import Foundation

/// Where Wachter reads the current time, so that tests can fix it.
public protocol WachterClock: Sendable {
    /// The current time.
    func now() -> Date
}

/// The system's wall clock.
public struct SystemClock: WachterClock {
    /// Creates the system clock.
    public init() {}
    /// The current time.
    public func now() -> Date { Date() }
}

/// A clock that always answers the same time (tests, and the `WACHTER_NOW` testing variable).
public struct FixedClock: WachterClock {
    /// The time it answers.
    public let time: Date
    /// Creates a fixed clock.
    /// - Parameter time: The time it answers.
    public init(_ time: Date) { self.time = time }
    /// The fixed time.
    public func now() -> Date { time }
}

/// Who is acting: the Unix user, and the user behind sudo where there is one.
public enum Actor {
    /// The current Unix user's name, as `root (sudo by alice)` under sudo(8).
    ///
    /// - Parameter environment: The process environment, for `SUDO_USER`.
    /// - Returns: A name for the audit trail.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let user = NSUserName()
        if let sudoUser = environment["SUDO_USER"], !sudoUser.isEmpty, sudoUser != user {
            return "\(user) (sudo by \(sudoUser))"
        }
        return user
    }
}
