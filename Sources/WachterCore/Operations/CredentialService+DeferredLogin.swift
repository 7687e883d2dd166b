public import Foundation

/// What a login check changes in the store, to be written later in a batch.
///
/// The agent answers as soon as the password is checked and writes these effects,
/// many logins to one transaction, so that a commit's `fsync(2)` is paid once per
/// batch instead of once per login.
public struct LoginEffects: Sendable, Equatable {
    /// The login event to record.
    public var event: LoginEvent
    /// The account whose counters change, or nil for an unknown user or a refused attempt.
    public var account: String?
    /// Whether the attempt matched: the failure count is cleared and the last login set.
    public var matched: Bool
    /// The hash that was checked and its replacement, when a hash below policy is to be replaced.
    public var rehash: Rehash?
    /// Until when the lockout policy locks the account after this failure, if it does.
    public var lockUntil: Date?
    /// Whether the password of this successful login is in the breached-password file:
    /// the account is marked must-change, once, with an audit entry.
    public var breached = false

    /// A hash replacement, applied only if the stored hash is still the one that was checked.
    public struct Rehash: Sendable, Equatable {
        /// The hash the password was checked against.
        public var old: String
        /// The new hash of the same password.
        public var new: String
    }

    /// Creates effects.
    ///
    /// - Parameters:
    ///   - event: The login event.
    ///   - account: The account whose counters change.
    ///   - matched: Whether the attempt matched.
    ///   - rehash: A hash replacement.
    ///   - lockUntil: The end of a lockout this failure starts.
    public init(event: LoginEvent, account: String?, matched: Bool, rehash: Rehash? = nil, lockUntil: Date? = nil) {
        self.event = event
        self.account = account
        self.matched = matched
        self.rehash = rehash
        self.lockUntil = lockUntil
    }
}

extension CredentialService {
    /// Checks a password like ``verify(account:password:service:source:)`` but only reads
    /// the store: what the check changes comes back as ``LoginEffects`` for
    /// ``apply(_:)``, which writes many of them in one transaction.
    ///
    /// - Parameters:
    ///   - name: The account name as given.
    ///   - password: The password to check.
    ///   - service: The asking service.
    ///   - source: The client's address, where known.
    /// - Returns: The outcome, and the effects to write.
    /// - Throws: ``WachterError`` when the store fails.
    public func check(account name: String, password: Secret, service: String, source: String?) throws -> (
        VerifyOutcome, LoginEffects
    ) {
        let canonical = Self.lookupName(name)
        let account = try store.read { try $0.account(named: canonical) }
        return evaluateLogin(
            account, canonical: canonical, password: password, service: service, source: source, now: clock.now())
    }

    /// Writes the effects of many login checks in one transaction.
    ///
    /// - Parameter batch: Effects from ``check(account:password:service:source:)``, in order.
    /// - Throws: ``WachterError`` when the store fails; then nothing is written.
    public func apply(_ batch: [LoginEffects]) throws {
        guard !batch.isEmpty else { return }
        let rehashed = try store.write { writer -> [(name: String, kind: AccountKind)] in
            var rehashed: [(name: String, kind: AccountKind)] = []
            for effects in batch {
                try writer.insert(effects.event)
                guard let name = effects.account, var account = try writer.account(named: name) else { continue }
                if effects.matched {
                    account.failures = 0
                    account.lockedUntil = nil
                    // A must-change or expired login is refused until the change, so it is not a last login.
                    if effects.event.result == .success {
                        account.lastLogin = max(account.lastLogin ?? effects.event.time, effects.event.time)
                    }
                    try markBreached(&account, effects: effects, writer: writer)
                    if let rehash = effects.rehash, ConstantTime.equals(account.hash, rehash.old) {
                        account.hash = rehash.new
                        rehashed.append((name, account.kind))
                    }
                } else {
                    account.failures += 1
                    if let until = effects.lockUntil { account.lockedUntil = until }
                }
                try writer.update(account)
            }
            return rehashed
        }
        // A replaced hash is a changed export line.
        if !rehashed.isEmpty { notifyChange("rehash", rehashed.map(\.name), kinds: Set(rehashed.map(\.kind))) }
    }
}
