public import Foundation
internal import Logging

/// What a verification found.
public struct VerifyOutcome: Sendable, Equatable {
    /// The recorded result.
    public var result: LoginResult
    /// Whether the password matched (also true for an expired or must-change account).
    public var matched: Bool
    /// A reason for people, never the password.
    public var reason: String?

    /// Creates an outcome.
    public init(result: LoginResult, matched: Bool, reason: String? = nil) {
        self.result = result
        self.matched = matched
        self.reason = reason
    }
}

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

/// Logins: a password checked under the lockout policy, the attempt recorded, and
/// the login records read back.
public struct LoginService: ContextualService {
    let context: ServiceContext

    /// Checks a password and records the attempt as a login event, under the lockout policy.
    ///
    /// Before the password is checked, an account locked by the operator, locked
    /// out after failed logins, or past the consecutive-failure cap is refused, and
    /// so is a source address with too many recent failures. A failure that
    /// reaches the policy's limit locks the account for the policy's duration. A
    /// success clears the failure count, sets the last login and, where the hash is
    /// below policy, replaces it with a new one of the same password. A matching
    /// password on an account that must change it, or whose password has expired,
    /// gives ``LoginResult/expired``.
    ///
    /// - Parameters:
    ///   - name: The account name as given.
    ///   - password: The password to check.
    ///   - service: The asking service, such as `cli` or `dovecot`.
    ///   - source: The client's address, where known.
    /// - Returns: The outcome.
    /// - Throws: ``WachterError`` when the store fails.
    public func verify(account name: String, password: Secret, service: String, source: String?) throws -> VerifyOutcome {
        let canonical = try Names.lookup(name)
        let now = clock.now()
        // One keyed digest per event: for the throttling lookup and again as the event is stored.
        let sourceDigest = try context.fieldProtection.digest(source)
        let (account, history) = try store.read { reader -> (Account?, LoginFailureHistory) in
            let account = try reader.account(named: canonical)
            let lockout = rules(for: account?.kind ?? .mailbox).lockout.settings
            let accountWindow = now.addingTimeInterval(-lockout.window)
            let sourceWindow = now.addingTimeInterval(-lockout.sourceWindow)
            return (
                account,
                LoginFailureHistory(
                    accountFailures: account == nil
                        ? [] : try reader.failureTimes(account: canonical, sourceDigest: nil, since: accountWindow),
                    consecutiveFailures: account?.failures ?? 0,
                    sourceFailures: try sourceDigest.map {
                        try reader.failureTimes(account: nil, sourceDigest: $0, since: sourceWindow)
                    } ?? [],
                    lockedUntil: account?.lockedUntil)
            )
        }
        let kindRules = rules(for: account?.kind ?? .mailbox)
        if case .sourceThrottled = kindRules.lockout.beforeAttempt(history, at: now), let source {
            // Refused without a hash computation; the account itself is not locked.
            // The reason names no address: it is stored in the clear, the address is not.
            let reason = "too many failed logins from this source"
            let event = LoginEvent(
                time: now, account: canonical, service: service, source: source, result: .locked, reason: reason,
                sourceDigest: sourceDigest)
            try apply([LoginEffects(event: event, account: nil, matched: false)])
            return VerifyOutcome(result: .locked, matched: false, reason: reason)
        }
        var (outcome, effects) = evaluateLogin(
            account, canonical: canonical, password: password, service: service, source: source, now: now)
        effects.event.sourceDigest = sourceDigest
        if outcome.result == .failure, effects.account != nil {
            var failures = history
            failures.accountFailures.append(now)
            failures.consecutiveFailures += 1
            if case .accountLocked(let until) = kindRules.lockout.afterFailure(failures, at: now) {
                effects.lockUntil = until
                logger.notice(
                    "account locked out", metadata: ["account": "\(canonical)", "failures": "\(failures.accountFailures.count)"])
            }
        }
        try apply([effects])
        if effects.rehash != nil { logger.info("hash replaced on login", metadata: ["account": "\(canonical)"]) }
        return outcome
    }

    /// Judges one login attempt against an account read from the store: locks,
    /// the password, expiry, and whether the hash needs replacing. Writes nothing.
    ///
    /// - Parameters:
    ///   - account: The stored account, or nil when there is none.
    ///   - canonical: The name looked up.
    ///   - password: The password given.
    ///   - service: The asking service.
    ///   - source: The client's address, where known.
    ///   - now: The time of the attempt.
    /// - Returns: The outcome, and what it changes in the store.
    func evaluateLogin(
        _ account: Account?, canonical: String, password: Secret, service: String, source: String?, now: Date
    ) -> (VerifyOutcome, LoginEffects) {
        func answer(_ result: LoginResult, _ reason: String?, account: String?, matched: Bool, rehash: LoginEffects.Rehash? = nil)
            -> (VerifyOutcome, LoginEffects)
        {
            let event = LoginEvent(
                time: now, account: canonical, service: service, source: source, result: result, reason: reason)
            return (
                VerifyOutcome(result: result, matched: matched, reason: reason),
                LoginEffects(event: event, account: account, matched: matched, rehash: rehash)
            )
        }
        guard let account else {
            // Spend the same work as a real check, so that timing does not tell
            // which names exist.
            _ = rules(for: .mailbox).hasher.verify(password, against: Self.decoyHash)
            return answer(.unknownUser, "no such account", account: nil, matched: false)
        }
        let kindRules = rules(for: account.kind)
        if let refusal = Self.lockedReason(account, rules: kindRules, now: now) {
            return answer(.locked, refusal, account: nil, matched: false)
        }
        switch kindRules.hasher.verify(password, against: account.hash) {
        case .match(let needsRehash):
            let rehash =
                needsRehash ? (try? kindRules.hasher.hash(password)).map { LoginEffects.Rehash(old: account.hash, new: $0) } : nil
            switch kindRules.expiry.status(setAt: account.passwordSetAt, mustChange: account.mustChange, at: now) {
            case .mustChange:
                return answer(
                    .expired, "must change the password after a reset", account: canonical, matched: true, rehash: rehash)
            case .expired(let since):
                return answer(
                    .expired, "the password expired on \(Lookup.day(since))", account: canonical, matched: true, rehash: rehash)
            case .never, .valid, .warning:
                var success = answer(.success, nil, account: canonical, matched: true, rehash: rehash)
                success.1.breached = isBreached(password, rules: kindRules)
                return success
            }
        case .mismatch, .unsupported:
            return answer(.failure, "wrong password", account: canonical, matched: false)
        }
    }

    /// Why an account refuses logins now, or nil: the operator's lock, a lockout, or the consecutive-failure cap.
    static func lockedReason(_ account: Account, rules: KindRules, now: Date) -> String? {
        if account.locked { return "locked by the operator" }
        let history = LoginFailureHistory(consecutiveFailures: account.failures, lockedUntil: account.lockedUntil)
        switch rules.lockout.beforeAttempt(history, at: now) {
        case .accountLocked(let until): return "locked after failed logins until \(Lookup.minute(until))"
        case .accountDisabled:
            return "locked after \(history.consecutiveFailures) failed logins in a row; an operator must unlock it"
        case .allow, .sourceThrottled: return nil
        }
    }

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
        let canonical = try Names.lookup(name)
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
        // Sealed before the transaction, so that the writer is held no longer than before.
        let events = try batch.map { effects throws(WachterError) in
            try context.storable(effects.event, digest: effects.event.sourceDigest)
        }
        let rehashed = try store.write { writer -> [(name: String, kind: AccountKind)] in
            var rehashed: [(name: String, kind: AccountKind)] = []
            try writer.insert(events)
            for effects in batch {
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

    /// Applies the lockout policy after a counted failure: locks the account for
    /// `settings.duration` when `recentFailures` reached `settings.failures`, or when its
    /// consecutive failures reached ``LockoutSettings/hardCap``.
    ///
    /// - Parameters:
    ///   - name: The account's name.
    ///   - recentFailures: Distinct failures within the policy's window.
    ///   - settings: The lockout settings.
    /// - Returns: The time the lock ends, or nil when the account was not locked.
    /// - Throws: ``WachterError`` when the store fails.
    @discardableResult
    public func applyLockout(account name: String, recentFailures: Int, settings: LockoutSettings) throws -> Date? {
        let canonical = try Names.lookup(name)
        let now = clock.now()
        var until = now.addingTimeInterval(settings.duration)
        let locked: AccountKind? = try store.write { writer -> AccountKind? in
            guard var account = try writer.account(named: canonical), !account.isLocked(at: now) else { return nil }
            // The account's kind may set a lower threshold (the shipped policy: 5 for panel logins).
            let kindLockout = rules(for: account.kind).lockout.settings
            let threshold = min(settings.failures, kindLockout.failures)
            // Hosts sharing the store count each other's failures: what every host recorded
            // (repeats excluded), or this host's own count when that is higher.
            let recorded = try writer.countedFailures(
                account: canonical, sourceDigest: nil, since: now.addingTimeInterval(-settings.window))
            let counted = max(recentFailures, recorded)
            guard counted >= threshold || account.failures >= LockoutSettings.hardCap else { return nil }
            until = now.addingTimeInterval(max(settings.duration, kindLockout.duration))
            account.lockedUntil = until
            try writer.update(account)
            _ = try AuditChain.append(
                to: writer, time: now, actor: actor, action: "lockout", target: canonical,
                detail: "failures=\(counted) consecutive=\(account.failures) seconds=\(Int(settings.duration))")
            return account.kind
        }
        guard let locked else { return nil }
        logger.info("account locked after failed logins", metadata: ["account": "\(canonical)"])
        // A lockout is a change: the follow-up re-exports and flushes the servers' caches.
        notifyChange("lockout", canonical, locked)
        return until
    }

    /// How many failures every host recorded from a source since `since` (repeats excluded),
    /// for throttling a guesser who spreads attempts over the hosts of a shared store.
    ///
    /// - Parameters:
    ///   - source: The client's address.
    ///   - since: The start of the source's window.
    /// - Returns: The count.
    /// - Throws: ``WachterError`` when the store fails or the key of personal data is missing.
    public func countedFailures(source: String, since: Date) throws -> Int {
        guard let digest = try context.fieldProtection.digest(source) else { return 0 }
        return try store.read { reader in try reader.countedFailures(account: nil, sourceDigest: digest, since: since) }
    }

    /// Records login events in one transaction (the agent batches the events it answers without a password check).
    ///
    /// - Parameter events: The events.
    /// - Throws: ``WachterError`` when the store fails; then none is recorded.
    public func record(_ events: [LoginEvent]) throws {
        guard !events.isEmpty else { return }
        let stored = try events.map { event throws(WachterError) in try context.storable(event, digest: event.sourceDigest) }
        try store.write { writer in
            try writer.insert(stored)
        }
    }

    /// Login events, newest first.
    public func events(account: String? = nil, since: Date? = nil, failedOnly: Bool = false, limit: Int? = nil) throws
        -> [LoginEvent]
    {
        let canonical = try account.map { try Lookup.canonicalName($0) }
        return try store.read { try $0.loginEvents(account: canonical, since: since, failedOnly: failedOnly, limit: limit) }
            .map { event throws(WachterError) in try context.opening(event) }
    }

    /// A yescrypt hash of a random string, checked against when the account does not exist.
    static let decoyHash = "$y$j9T$V4cJ2Wqq8t0Xp5sS1.kJ/0$8oYB1yqN4J0Uu9Ew8BfQH8dO8lqkQb3hT0X5m9m1Zr5"
}
