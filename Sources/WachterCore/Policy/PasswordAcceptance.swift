/// Decides whether a password may be set for an account.
///
/// The policy engine implements it; until a policy is loaded, ``MinimumLengthRule`` stands in.
public protocol PasswordAcceptance: Sendable {
    /// Why `password` may not be set for `account`, or nil when it may.
    ///
    /// - Parameters:
    ///   - password: The candidate password.
    ///   - account: The account's name.
    ///   - kind: The account's kind.
    ///   - customer: The account's owner, for context words.
    ///   - history: The account's current and earlier hashes, newest first, to refuse reuse.
    /// - Returns: A sentence the customer can act on, or nil.
    func refusal(for password: Secret, account: String, kind: AccountKind, customer: Customer, history: [String]) -> String?
}

/// The foundation's only rule: at least `minimum` characters.
public struct MinimumLengthRule: PasswordAcceptance {
    /// The fewest characters allowed.
    public let minimum: Int
    /// Creates the rule.
    /// - Parameter minimum: The fewest characters allowed.
    public init(minimum: Int = 8) { self.minimum = minimum }

    public func refusal(for password: Secret, account: String, kind: AccountKind, customer: Customer, history: [String])
        -> String?
    {
        let characters = password.withBytes { bytes in bytes.reduce(0) { $0 + (($1 & 0xC0) == 0x80 ? 0 : 1) } }
        return characters < minimum ? "the password has \(characters) characters; at least \(minimum) are required" : nil
    }
}
