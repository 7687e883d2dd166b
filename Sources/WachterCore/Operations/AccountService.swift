public import Foundation
internal import Logging

/// Where a new password comes from.
public enum PasswordSource {
    /// The operator or customer typed it.
    case given(Secret)
    /// Wachter generates one (``PasswordGenerator``) and returns it once.
    case generate
}

/// What a customer's own password change came to.
public enum PasswordChangeOutcome: Sendable, Equatable {
    /// The password was changed and the must-change flag cleared; `followUpFailures`
    /// says what failed afterwards (a re-export, a reload, a cache flush), if anything.
    case changed(followUpFailures: [String])
    /// The current password did not verify (wrong, locked, unknown account); nothing changed.
    case rejected(VerifyOutcome)
    /// The new password was refused by the policy; the reason says why.
    case refused(String)
}

/// The standing of an account without a password check (for `pam_sm_acct_mgmt`).
public enum AccountStanding: String, Sendable, Equatable {
    /// The account exists and may log in.
    case good
    /// The password must be changed.
    case mustChange
    /// The operator or the lockout policy locked it.
    case locked
    /// There is no such account.
    case unknown
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

/// Accounts and their passwords: add, list, remove, set, reset, lock, and a
/// customer's own change.
public struct AccountService: ContextualService {
    let context: ServiceContext

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
    public func add(
        name: String, kind: AccountKind, customerID: String, password: PasswordSource
    ) throws -> (account: Account, generated: Secret?) {
        let canonical = try Names.account(name, kind: kind)
        let customer = try store.read { reader in
            guard let customer = try reader.customer(id: customerID) else { throw Lookup.noCustomer(customerID) }
            guard customer.heldUntil == nil else {
                throw WachterError(.invalidInput, "customer '\(customerID)' was erased; only its invoice data is held")
            }
            guard try reader.account(named: canonical) == nil else { throw Lookup.taken(canonical) }
            return customer
        }
        let (secret, generated) = try choose(password, account: canonical, kind: kind, customer: customer, history: [])
        let hash = try rules(for: kind).hasher.hash(secret)
        let now = clock.now()
        let account = Account(
            name: canonical, kind: kind, customerID: customer.id, hash: hash, passwordSetAt: now,
            mustChange: generated != nil, createdAt: now)
        try store.write { writer in
            guard try writer.account(named: canonical) == nil else { throw Lookup.taken(canonical) }
            try writer.insert(account)
            try AuditChain.append(
                to: writer, time: now, actor: actor, action: "account.add", target: canonical,
                detail: "kind=\(kind.rawValue) customer=\(customer.id) password=\(generated == nil ? "given" : "generated")")
        }
        logger.info("account added", metadata: ["account": "\(canonical)", "kind": "\(kind.rawValue)"])
        notifyChange("account.add", canonical, kind)
        return (account, generated)
    }

    /// Accounts, by name, optionally of one kind or customer.
    ///
    /// - Throws: ``WachterError`` when the store fails.
    public func list(kind: AccountKind? = nil, customerID: String? = nil) throws -> [Account] {
        try store.read { try $0.accounts(kind: kind, customerID: customerID) }
    }

    /// One account.
    ///
    /// - Throws: ``WachterError/Code/notFound``.
    public func account(named name: String) throws -> Account {
        let canonical = try Lookup.canonicalName(name)
        return try store.read { reader in
            guard let account = try reader.account(named: canonical) else { throw Lookup.noAccount(canonical) }
            return account
        }
    }

    /// Removes an account and its password history; its login events stay until retention removes them.
    ///
    /// - Throws: ``WachterError/Code/notFound``.
    public func remove(named name: String) throws {
        let canonical = try Lookup.canonicalName(name)
        let kind = try store.write { writer in
            guard let account = try writer.account(named: canonical) else { throw Lookup.noAccount(canonical) }
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
        return try replacePassword(account: name, source: .generate, mustChange: mustChange, action: "reset").generated!
    }

    /// A customer changes their own password with the current one.
    ///
    /// The current password is checked as a login (and recorded as one); the new one
    /// meets the same rules as ``setPassword(account:to:)``; the must-change flag, the
    /// failure count and a lockout are cleared.
    ///
    /// - Parameters:
    ///   - name: The account's name.
    ///   - old: The current password.
    ///   - new: The new password.
    ///   - service: The asking service, such as `hook` or `sshd`.
    ///   - source: The client's address, where known.
    /// - Returns: What happened.
    /// - Throws: ``WachterError`` when the store or the hasher fails.
    public func changePassword(
        account name: String, old: Secret, new: Secret, service: String = "hook", source: String? = nil
    ) throws -> PasswordChangeOutcome {
        let outcome = try LoginService(context: context).verify(
            account: name, password: old, service: service, source: source)
        guard outcome.matched else { return .rejected(outcome) }
        let canonical = try Names.lookup(name)
        let failures: [WachterError]
        do {
            // The same rules, reuse check, history and audit entry as the operator's passwd.
            failures = try replacePassword(
                account: canonical, source: .given(new), mustChange: false, action: "password.change",
                actor: "\(canonical) (self-service via \(service))"
            ).followUpFailures
        } catch let error as WachterError where error.code == .policyRefused || error.code == .invalidInput {
            return .refused(error.code == .policyRefused ? error.message : "the password was refused: \(error.message)")
        }
        logger.info("password changed by its owner", metadata: ["account": "\(canonical)", "service": "\(service)"])
        return .changed(followUpFailures: failures.map(\.description))
    }

    /// Whether an account may log in, without checking a password; nothing is recorded.
    ///
    /// - Parameter name: The account's name.
    /// - Returns: The account's standing.
    /// - Throws: ``WachterError`` when the store fails.
    public func standing(account name: String) throws -> AccountStanding {
        let canonical = try Names.lookup(name)
        guard let account = try store.read({ try $0.account(named: canonical) }) else { return .unknown }
        let now = clock.now()
        let kindRules = rules(for: account.kind)
        if LoginService.lockedReason(account, rules: kindRules, now: now) != nil { return .locked }
        switch kindRules.expiry.status(setAt: account.passwordSetAt, mustChange: account.mustChange, at: now) {
        case .mustChange, .expired: return .mustChange
        case .never, .valid, .warning: return .good
        }
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

    /// The standing of every listed account.
    ///
    /// - Parameter accounts: Accounts from ``list(kind:customerID:)``.
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

    // MARK: Helpers

    /// Replaces an account's password after the rules and the reuse check, in one
    /// transaction with its history and audit entry.
    @discardableResult
    func replacePassword(
        account name: String, source: PasswordSource, mustChange: Bool, action: String, actor: String? = nil
    ) throws -> (generated: Secret?, followUpFailures: [WachterError]) {
        let canonical = try Lookup.canonicalName(name)
        let (account, customer, history) = try store.read { reader in
            guard let account = try reader.account(named: canonical) else { throw Lookup.noAccount(canonical) }
            guard let customer = try reader.customer(id: account.customerID) else {
                throw Lookup.noCustomer(account.customerID)
            }
            // History 0 turns the reuse check off: not even the current password is
            // verified, which would cost a whole hash (docs/POLICY.md, `history`).
            let depth = rules(for: account.kind).historyDepth
            guard depth > 0 else { return (account, customer, [String]()) }
            return (account, customer, [account.hash] + (try reader.passwordHistory(account: canonical, limit: depth)))
        }
        let kindRules = rules(for: account.kind)
        let (secret, generated) = try choose(source, account: canonical, kind: account.kind, customer: customer, history: history)
        let hash = try kindRules.hasher.hash(secret)
        let now = clock.now()
        try store.write { writer in
            guard var current = try writer.account(named: canonical) else { throw Lookup.noAccount(canonical) }
            try writer.appendHistory(
                account: canonical, hash: current.hash, setAt: current.passwordSetAt, keep: kindRules.historyDepth)
            current.hash = hash
            current.passwordSetAt = now
            current.mustChange = mustChange
            current.failures = 0
            current.lockedUntil = nil
            try writer.update(current)
            try AuditChain.append(to: writer, time: now, actor: actor ?? self.actor, action: action, target: canonical)
        }
        logger.info("password replaced", metadata: ["account": "\(canonical)", "action": "\(action)"])
        return (generated, notifyChange(action, canonical, account.kind))
    }

    private func changeLock(_ name: String, locked: Bool) throws {
        let canonical = try Lookup.canonicalName(name)
        let kind = try store.write { writer in
            guard var account = try writer.account(named: canonical) else { throw Lookup.noAccount(canonical) }
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

    private func choose(
        _ source: PasswordSource, account: String, kind: AccountKind, customer: Customer, history: [String]
    ) throws -> (Secret, generated: Secret?) {
        switch source {
        case .generate:
            let secret = PasswordGenerator.generate()
            return (secret, secret)
        case .given(let secret):
            // The customer's name, company and email are context words; the store holds them sealed.
            let customer = try context.opening(customer)
            if let refusal = context.acceptance.refusal(
                for: secret, account: account, kind: kind, customer: customer, history: history)
            {
                throw WachterError(.policyRefused, "the password was refused: \(refusal)")
            }
            // Each verification costs a hash: a hash kept twice is verified once.
            var verified: Set<String> = []
            for earlier in history where verified.insert(earlier).inserted {
                if case .match = rules(for: kind).hasher.verify(secret, against: earlier) {
                    throw WachterError(
                        .policyRefused, "the password was refused: it was used before for this account; choose a new one")
                }
            }
            try refuseReuseAcrossAccounts(secret, account: account, kind: kind, customerID: customer.id)
            return (secret, nil)
        }
    }
}
