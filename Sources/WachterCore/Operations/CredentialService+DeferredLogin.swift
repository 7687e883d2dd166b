internal import Foundation

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
    public init(event: LoginEvent, account: String?, matched: Bool, rehash: Rehash? = nil) {
        self.event = event
        self.account = account
        self.matched = matched
        self.rehash = rehash
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
    public func check(account name: String, password: Secret, service: String, source: String?) throws -> (VerifyOutcome, LoginEffects) {
        let canonical = Self.lookupName(name)
        let now = clock.now()
        guard let account = try store.read({ try $0.account(named: canonical) }) else {
            // The same work as a real check, so that timing does not tell which names exist.
            _ = hasher.verify(password, against: Self.decoyHash)
            let event = LoginEvent(time: now, account: canonical, service: service, source: source, result: .unknownUser)
            return (VerifyOutcome(result: .unknownUser, matched: false, reason: "no such account"), LoginEffects(event: event, account: nil, matched: false))
        }
        if account.isLocked(at: now) {
            let reason = account.locked ? "locked by the operator" : "locked after failed logins"
            let event = LoginEvent(time: now, account: canonical, service: service, source: source, result: .locked, reason: reason)
            return (VerifyOutcome(result: .locked, matched: false, reason: reason), LoginEffects(event: event, account: nil, matched: false))
        }
        switch hasher.verify(password, against: account.hash) {
        case .match(let needsRehash):
            let rehash = needsRehash ? (try? hasher.hash(password)).map { LoginEffects.Rehash(old: account.hash, new: $0) } : nil
            let result: LoginResult = account.mustChange ? .expired : .success
            let reason = account.mustChange ? "must change the password after a reset" : nil
            let event = LoginEvent(time: now, account: canonical, service: service, source: source, result: result, reason: reason)
            return (VerifyOutcome(result: result, matched: true, reason: reason), LoginEffects(event: event, account: canonical, matched: true, rehash: rehash))
        case .mismatch, .unsupported:
            let event = LoginEvent(time: now, account: canonical, service: service, source: source, result: .failure, reason: "wrong password")
            return (VerifyOutcome(result: .failure, matched: false, reason: "wrong password"), LoginEffects(event: event, account: canonical, matched: false))
        }
    }

    /// Writes the effects of many login checks in one transaction.
    ///
    /// - Parameter batch: Effects from ``check(account:password:service:source:)``, in order.
    /// - Throws: ``WachterError`` when the store fails; then nothing is written.
    public func apply(_ batch: [LoginEffects]) throws {
        guard !batch.isEmpty else { return }
        try store.write { writer in
            for effects in batch {
                try writer.insert(effects.event)
                guard let name = effects.account, var account = try writer.account(named: name) else { continue }
                if effects.matched {
                    account.failures = 0
                    account.lastLogin = max(account.lastLogin ?? effects.event.time, effects.event.time)
                    if let rehash = effects.rehash, ConstantTime.equals(account.hash, rehash.old) { account.hash = rehash.new }
                } else {
                    account.failures += 1
                }
                try writer.update(account)
            }
        }
    }

    /// The same hash as ``verify(account:password:service:source:)`` checks for an unknown account: a yescrypt hash of a random string.
    private static let decoyHash = "$y$j9T$V4cJ2Wqq8t0Xp5sS1.kJ/0$8oYB1yqN4J0Uu9Ew8BfQH8dO8lqkQb3hT0X5m9m1Zr5"
}
