public import Foundation
public import Logging

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

/// Where a new password comes from.
public enum PasswordSource {
    /// The operator or customer typed it.
    case given(Secret)
    /// Wachter generates one (``PasswordGenerator``) and returns it once.
    case generate
}

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

/// The operations of Wachter: every command of the command line, the hooks and
/// the agent go through here, so that each path obeys the same policy, writes
/// the same audit entries and records the same login events.
public struct CredentialService: Sendable {
    /// The store.
    public let store: any CredentialStore
    /// The rules of each kind of account: hashing, history, lockout, rotation.
    public let rules: [AccountKind: KindRules]
    /// The rules a new password must meet.
    public let acceptance: any PasswordAcceptance
    /// The clock.
    public let clock: any WachterClock
    /// Who is acting, for the audit trail.
    public let actor: String
    /// The logger; data goes into metadata, never secrets.
    public let logger: Logger
    /// Told after every committed change to a password, lock or account, such as
    /// a ``ReExporter`` that rewrites the export files; none by default.
    public var changeObserver: (any ChangeObserver)?

    /// Creates the service from a policy file's settings.
    ///
    /// - Parameters:
    ///   - store: The store.
    ///   - policy: The loaded policy: strength, hashing, rotation, reuse and lockout per kind.
    ///   - clock: The clock.
    ///   - actor: Who is acting.
    ///   - logger: The logger.
    /// - Throws: ``WachterError`` for a hashing setting libxcrypt refuses or a blocklist that cannot be read.
    public init(
        store: any CredentialStore, policy: WachterPolicy, clock: any WachterClock = SystemClock(),
        actor: String = Actor.current(), logger: Logger = Logger(label: "wachter")
    ) throws {
        var rules: [AccountKind: KindRules] = [:]
        var breachedFiles: [String: BreachedPasswordFile] = [:]
        for kind in AccountKind.allCases {
            let settings = policy.settings(forKind: kind.rawValue)
            rules[kind] = KindRules(
                hasher: try PasswordHasher(policy: settings.hashing.hashingPolicy), historyDepth: settings.reuse.history,
                lockout: LockoutPolicy(settings: settings.lockout), rotation: settings.rotation)
            rules[kind]?.acrossAccounts = settings.reuse.acrossAccounts
            rules[kind]?.acrossAccountsLimit = settings.reuse.acrossAccountsLimit
            try rules[kind]?.useBreachedFile(settings.strength, policy: policy, opened: &breachedFiles)
        }
        let acceptance = try PolicyAcceptance(policy: policy, now: { @Sendable [clock] in clock.now() })
        self.init(store: store, rules: rules, acceptance: acceptance, clock: clock, actor: actor, logger: logger)
    }

    /// Creates the service with one hasher for every kind (tests and embedding).
    ///
    /// - Parameters:
    ///   - store: The store.
    ///   - hasher: The hasher for every kind.
    ///   - acceptance: The password rules.
    ///   - historyDepth: Earlier hashes kept per account.
    ///   - lockout: The lockout numbers.
    ///   - rotation: The rotation settings; by default passwords never expire.
    ///   - clock: The clock.
    ///   - actor: Who is acting.
    ///   - logger: The logger.
    public init(
        store: any CredentialStore, hasher: PasswordHasher, acceptance: any PasswordAcceptance = MinimumLengthRule(),
        historyDepth: Int = 5, lockout: LockoutSettings = LockoutSettings(), rotation: RotationSettings = .never,
        clock: any WachterClock = SystemClock(), actor: String = Actor.current(), logger: Logger = Logger(label: "wachter")
    ) {
        let kindRules = KindRules(
            hasher: hasher, historyDepth: historyDepth, lockout: LockoutPolicy(settings: lockout), rotation: rotation)
        self.init(
            store: store, rules: Dictionary(uniqueKeysWithValues: AccountKind.allCases.map { ($0, kindRules) }),
            acceptance: acceptance, clock: clock, actor: actor, logger: logger)
    }

    private init(
        store: any CredentialStore, rules: [AccountKind: KindRules], acceptance: any PasswordAcceptance,
        clock: any WachterClock, actor: String, logger: Logger
    ) {
        self.store = store
        self.rules = rules
        self.acceptance = acceptance
        self.clock = clock
        self.actor = actor
        self.logger = logger
    }

    /// The rules of one kind of account.
    public func rules(for kind: AccountKind) -> KindRules {
        // Every initialiser fills in every kind.
        rules[kind]!
    }

    // MARK: Customers

    /// Adds a customer.
    ///
    /// - Returns: The stored customer.
    /// - Throws: ``WachterError`` for a bad id or text, or a taken id.
    @discardableResult
    public func addCustomer(id: String, name: String, company: String? = nil, email: String? = nil) throws -> Customer {
        let customer = Customer(
            id: try Names.customerID(id), name: try Names.text(name, what: "customer name"),
            company: try company.map { value throws(WachterError) in try Names.text(value, what: "company") },
            email: try email.map { value throws(WachterError) in try Names.mailbox(value) }, createdAt: clock.now())
        try store.write { writer in
            guard try writer.customer(id: customer.id) == nil else {
                throw WachterError(.alreadyExists, "a customer with id '\(customer.id)' exists already")
            }
            try writer.insert(customer)
            try AuditChain.append(
                to: writer, time: customer.createdAt, actor: actor, action: "customer.add", target: customer.id)
        }
        logger.info("customer added", metadata: ["customer": "\(customer.id)"])
        return customer
    }

    /// All customers.
    public func customers() throws -> [Customer] {
        try store.read { try $0.customers() }
    }

    /// One customer and its accounts.
    ///
    /// - Throws: ``WachterError/Code/notFound``.
    public func customer(id: String) throws -> (customer: Customer, accounts: [Account]) {
        try store.read { reader in
            guard let customer = try reader.customer(id: id) else { throw Self.noCustomer(id) }
            return (customer, try reader.accounts(kind: nil, customerID: id))
        }
    }

    // MARK: Accounts

    /// Adds an account with a given or generated password.
    ///
    /// - Parameters:
    ///   - name: The account's name, validated for its kind.
    ///   - kind: The kind.
    ///   - customerID: The owner.
    ///   - password: A given password, checked by the rules, or ``PasswordSource/generate``.
    /// - Returns: The account, and the generated password when one was made.
    /// - Throws: ``WachterError`` for a bad name, an unknown customer, a taken name or a refused password.
    @discardableResult
    public func addAccount(
        name: String, kind: AccountKind, customerID: String, password: PasswordSource
    ) throws -> (account: Account, generated: Secret?) {
        let canonical = try Names.account(name, kind: kind)
        let customer = try store.read { reader in
            guard let customer = try reader.customer(id: customerID) else { throw Self.noCustomer(customerID) }
            guard try reader.account(named: canonical) == nil else { throw Self.taken(canonical) }
            return customer
        }
        let (secret, generated) = try choose(password, account: canonical, kind: kind, customer: customer, history: [])
        let hash = try rules(for: kind).hasher.hash(secret)
        let now = clock.now()
        let account = Account(
            name: canonical, kind: kind, customerID: customer.id, hash: hash, passwordSetAt: now,
            mustChange: generated != nil, createdAt: now)
        try store.write { writer in
            guard try writer.account(named: canonical) == nil else { throw Self.taken(canonical) }
            try writer.insert(account)
            try AuditChain.append(
                to: writer, time: now, actor: actor, action: "account.add", target: canonical,
                detail: "kind=\(kind.rawValue) customer=\(customer.id) password=\(generated == nil ? "given" : "generated")")
        }
        logger.info("account added", metadata: ["account": "\(canonical)", "kind": "\(kind.rawValue)"])
        notifyChange("account.add", canonical, kind)
        return (account, generated)
    }

    /// Accounts, optionally of one kind or customer.
    public func accounts(kind: AccountKind? = nil, customerID: String? = nil) throws -> [Account] {
        try store.read { try $0.accounts(kind: kind, customerID: customerID) }
    }

    /// One account.
    ///
    /// - Throws: ``WachterError/Code/notFound``.
    public func account(named name: String) throws -> Account {
        let canonical = try canonicalName(name)
        return try store.read { reader in
            guard let account = try reader.account(named: canonical) else { throw Self.noAccount(canonical) }
            return account
        }
    }

    /// Removes an account and its password history; its login events stay until retention removes them.
    ///
    /// - Throws: ``WachterError/Code/notFound``.
    public func removeAccount(named name: String) throws {
        let canonical = try canonicalName(name)
        let kind = try store.write { writer in
            guard let account = try writer.account(named: canonical) else { throw Self.noAccount(canonical) }
            try writer.deleteAccount(named: canonical)
            try AuditChain.append(to: writer, time: clock.now(), actor: actor, action: "account.remove", target: canonical)
            return account.kind
        }
        notifyChange("account.remove", canonical, kind)
    }

    /// The operator sets a password: the rules apply, the must-change flag is cleared.
    ///
    /// - Throws: ``WachterError`` for an unknown account or a refused password.
    public func setPassword(account name: String, to password: Secret) throws {
        try replacePassword(account: name, source: .given(password), mustChange: false, action: "passwd")
    }

    /// Resets a password: generates a temporary one, shows it once, forces a change at the next login,
    /// and lifts a lockout (not an operator's lock).
    ///
    /// - Returns: The temporary password.
    /// - Throws: ``WachterError/Code/notFound``.
    public func reset(account name: String) throws -> Secret {
        let kind = try account(named: name).kind
        let mustChange = rules(for: kind).rotation.changeAfterReset
        return try replacePassword(account: name, source: .generate, mustChange: mustChange, action: "reset")!
    }

    /// Replaces an account's password after the rules and the reuse check, in one
    /// transaction with its history and audit entry.
    @discardableResult
    func replacePassword(
        account name: String, source: PasswordSource, mustChange: Bool, action: String, actor: String? = nil
    ) throws -> Secret? {
        let canonical = try canonicalName(name)
        let (account, customer, history) = try store.read { reader in
            guard let account = try reader.account(named: canonical) else { throw Self.noAccount(canonical) }
            guard let customer = try reader.customer(id: account.customerID) else { throw Self.noCustomer(account.customerID) }
            let depth = rules(for: account.kind).historyDepth
            return (account, customer, [account.hash] + (try reader.passwordHistory(account: canonical, limit: depth)))
        }
        let kindRules = rules(for: account.kind)
        let (secret, generated) = try choose(source, account: canonical, kind: account.kind, customer: customer, history: history)
        let hash = try kindRules.hasher.hash(secret)
        let now = clock.now()
        try store.write { writer in
            guard var current = try writer.account(named: canonical) else { throw Self.noAccount(canonical) }
            try writer.appendHistory(account: canonical, hash: current.hash, setAt: current.passwordSetAt)
            try writer.trimHistory(account: canonical, keep: kindRules.historyDepth)
            current.hash = hash
            current.passwordSetAt = now
            current.mustChange = mustChange
            current.failures = 0
            current.lockedUntil = nil
            try writer.update(current)
            try AuditChain.append(to: writer, time: now, actor: actor ?? self.actor, action: action, target: canonical)
        }
        logger.info("password replaced", metadata: ["account": "\(canonical)", "action": "\(action)"])
        notifyChange(action, canonical, account.kind)
        return generated
    }

    /// Locks an account until ``unlock(account:)``.
    ///
    /// - Throws: ``WachterError/Code/notFound``.
    public func lock(account name: String) throws {
        try changeLock(name, locked: true)
    }

    /// Unlocks an account, and clears a lockout and its failure count.
    ///
    /// - Throws: ``WachterError/Code/notFound``.
    public func unlock(account name: String) throws {
        try changeLock(name, locked: false)
    }

    private func changeLock(_ name: String, locked: Bool) throws {
        let canonical = try canonicalName(name)
        let kind = try store.write { writer in
            guard var account = try writer.account(named: canonical) else { throw Self.noAccount(canonical) }
            account.locked = locked
            if !locked {
                account.lockedUntil = nil
                account.failures = 0
            }
            try writer.update(account)
            try AuditChain.append(
                to: writer, time: clock.now(), actor: actor, action: locked ? "lock" : "unlock", target: canonical)
            return account.kind
        }
        notifyChange(locked ? "lock" : "unlock", canonical, kind)
    }

    // MARK: Verification

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
        let canonical = Self.lookupName(name)
        let now = clock.now()
        let (account, history) = try store.read { reader -> (Account?, LoginFailureHistory) in
            let account = try reader.account(named: canonical)
            let lockout = rules(for: account?.kind ?? .mailbox).lockout.settings
            let accountWindow = now.addingTimeInterval(-TimeInterval(lockout.windowMinutes) * 60)
            let sourceWindow = now.addingTimeInterval(-TimeInterval(lockout.sourceWindowMinutes) * 60)
            return (
                account,
                LoginFailureHistory(
                    accountFailures: account == nil
                        ? [] : try reader.failureTimes(account: canonical, source: nil, since: accountWindow),
                    consecutiveFailures: account?.failures ?? 0,
                    sourceFailures: try source.map { try reader.failureTimes(account: nil, source: $0, since: sourceWindow) }
                        ?? [],
                    lockedUntil: account?.lockedUntil)
            )
        }
        let kindRules = rules(for: account?.kind ?? .mailbox)
        if case .sourceThrottled = kindRules.lockout.beforeAttempt(history, at: now), let source {
            // Refused without a hash computation; the account itself is not locked.
            let reason = "too many failed logins from \(source)"
            let event = LoginEvent(
                time: now, account: canonical, service: service, source: source, result: .locked, reason: reason)
            try apply([LoginEffects(event: event, account: nil, matched: false)])
            return VerifyOutcome(result: .locked, matched: false, reason: reason)
        }
        var (outcome, effects) = evaluateLogin(
            account, canonical: canonical, password: password, service: service, source: source, now: now)
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
        if let refusal = lockedReason(account, rules: kindRules, now: now) {
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
                    .expired, "the password expired on \(Self.day(since))", account: canonical, matched: true, rehash: rehash)
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
    func lockedReason(_ account: Account, rules: KindRules, now: Date) -> String? {
        if account.locked { return "locked by the operator" }
        let history = LoginFailureHistory(consecutiveFailures: account.failures, lockedUntil: account.lockedUntil)
        switch rules.lockout.beforeAttempt(history, at: now) {
        case .accountLocked(let until): return "locked after failed logins until \(Self.minute(until))"
        case .accountDisabled:
            return "locked after \(history.consecutiveFailures) failed logins in a row; an operator must unlock it"
        case .allow, .sourceThrottled: return nil
        }
    }

    private static func day(_ date: Date) -> String {
        String(minute(date).prefix(10))
    }

    private static func minute(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Login events, newest first.
    public func logins(account: String? = nil, since: Date? = nil, failedOnly: Bool = false, limit: Int? = nil) throws
        -> [LoginEvent]
    {
        let canonical = try account.map { try canonicalName($0) }
        return try store.read { try $0.loginEvents(account: canonical, since: since, failedOnly: failedOnly, limit: limit) }
    }

    // MARK: Audit

    /// The audit trail, oldest first.
    public func auditTrail() throws -> [AuditEntry] {
        try store.read { try $0.auditEntries() }
    }

    /// Verifies the audit trail's hash chain.
    public func verifyAudit() throws -> AuditChain.Verification {
        try store.read { reader in
            AuditChain.verify(try reader.auditEntries(), checkpoint: try reader.auditCheckpoint())
        }
    }

    // MARK: Helpers

    /// Tells the ``changeObserver``, if any, of a committed change.
    func notifyChange(_ action: String, _ accounts: [String], kinds: Set<AccountKind>) {
        changeObserver?.credentialsChanged(CredentialChange(action: action, accounts: accounts, kinds: kinds), by: self)
    }

    private func notifyChange(_ action: String, _ account: String, _ kind: AccountKind) {
        notifyChange(action, [account], kinds: [kind])
    }

    private func choose(
        _ source: PasswordSource, account: String, kind: AccountKind, customer: Customer, history: [String]
    ) throws -> (Secret, generated: Secret?) {
        switch source {
        case .generate:
            let secret = PasswordGenerator.generate()
            return (secret, secret)
        case .given(let secret):
            if let refusal = acceptance.refusal(for: secret, account: account, kind: kind, customer: customer, history: history) {
                throw WachterError(.policyRefused, "the password was refused: \(refusal)")
            }
            for earlier in history {
                if case .match = rules(for: kind).hasher.verify(secret, against: earlier) {
                    throw WachterError(
                        .policyRefused, "the password was refused: it was used before for this account; choose a new one")
                }
            }
            try refuseReuseAcrossAccounts(secret, account: account, kind: kind, customerID: customer.id)
            return (secret, nil)
        }
    }

    /// Account names are looked up in canonical form: a mailbox's domain lower-cased and in punycode.
    private func canonicalName(_ name: String) throws -> String {
        if name.contains("@") { return try Names.mailbox(name) }
        return name
    }

    /// A yescrypt hash of a random string, checked against when the account does not exist.
    static let decoyHash = "$y$j9T$V4cJ2Wqq8t0Xp5sS1.kJ/0$8oYB1yqN4J0Uu9Ew8BfQH8dO8lqkQb3hT0X5m9m1Zr5"

    private static func noCustomer(_ id: String) -> WachterError {
        WachterError(.notFound, "there is no customer '\(id)'; `wachter customer list` shows them")
    }

    private static func noAccount(_ name: String) -> WachterError {
        WachterError(.notFound, "there is no account \(Names.quote(name)); `wachter account list` shows them")
    }

    private static func taken(_ name: String) -> WachterError {
        WachterError(.alreadyExists, "an account \(Names.quote(name)) exists already")
    }
}

/// An account as the operator sees it: its record, its hash's standing and its state.
public struct AccountStatus: Encodable, Sendable {
    /// The account (its encoded form holds no hash).
    public var account: Account
    /// The hash's method and cost, and whether they are below policy.
    public var hash: HashAssessment
    /// One word for the state: `ok`, `expiring`, `expired`, `must-change`, `locked-out` or `locked`.
    public var state: String
    /// When the password expires under the rotation policy; nil when it never does.
    public var passwordExpires: Date?

    private enum CodingKeys: String, CodingKey { case account, hash, state, passwordExpires }
}

extension CredentialService {
    /// The standing of every listed account.
    ///
    /// - Parameter accounts: Accounts from ``accounts(kind:customerID:)``.
    /// - Returns: One status per account.
    public func statuses(_ accounts: [Account]) -> [AccountStatus] {
        let now = clock.now()
        return accounts.map { account in
            let kindRules = rules(for: account.kind)
            let expiry = kindRules.expiry.status(setAt: account.passwordSetAt, mustChange: account.mustChange, at: now)
            let state: String
            if account.locked {
                state = "locked"
            } else if account.isLocked(at: now) {
                state = "locked-out"
            } else {
                switch expiry {
                case .mustChange: state = "must-change"
                case .expired: state = "expired"
                case .warning: state = "expiring"
                case .never, .valid: state = "ok"
                }
            }
            return AccountStatus(
                account: account, hash: kindRules.hasher.assess(account.hash), state: state,
                passwordExpires: kindRules.expiry.expiry(setAt: account.passwordSetAt))
        }
    }
}
