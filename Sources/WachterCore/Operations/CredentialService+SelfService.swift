public import Foundation
internal import Logging

/// What a customer's own password change came to.
public enum PasswordChangeOutcome: Sendable, Equatable {
    /// The password was changed and the must-change flag cleared.
    case changed
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

extension CredentialService {
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
        let outcome = try verify(account: name, password: old, service: service, source: source)
        guard outcome.matched else { return .rejected(outcome) }
        let canonical = Self.lookupName(name)
        let (account, customer, history) = try store.read { reader in
            guard let account = try reader.account(named: canonical), let customer = try reader.customer(id: account.customerID)
            else { throw WachterError(.notFound, "there is no account \(canonical)") }
            return (account, customer, [account.hash] + (try reader.passwordHistory(account: canonical, limit: historyDepth)))
        }
        if let refusal = acceptance.refusal(for: new, account: canonical, kind: account.kind, customer: customer, history: history) {
            return .refused("the password was refused: \(refusal)")
        }
        for earlier in history {
            if case .match = hasher.verify(new, against: earlier) {
                return .refused("the password was refused: it was used before for this account; choose a new one")
            }
        }
        let hashed: Result<String, WachterError> = Result { () throws(WachterError) -> String in try hasher.hash(new) }
        if case .failure(let error) = hashed, error.code == .invalidInput {
            return .refused("the password was refused: \(error.message)")
        }
        let hash = try hashed.get()
        let now = clock.now()
        try store.write { writer in
            guard var current = try writer.account(named: canonical) else { return }
            try writer.appendHistory(account: canonical, hash: current.hash, setAt: current.passwordSetAt)
            try writer.trimHistory(account: canonical, keep: historyDepth)
            current.hash = hash
            current.passwordSetAt = now
            current.mustChange = false
            current.failures = 0
            current.lockedUntil = nil
            try writer.update(current)
            _ = try AuditChain.append(
                to: writer, time: now, actor: "\(canonical) (self-service via \(service))", action: "password.change",
                target: canonical)
        }
        logger.info("password changed by its owner", metadata: ["account": "\(canonical)", "service": "\(service)"])
        return .changed
    }

    /// Whether an account may log in, without checking a password; nothing is recorded.
    ///
    /// - Parameter name: The account's name.
    /// - Returns: The account's standing.
    /// - Throws: ``WachterError`` when the store fails.
    public func standing(account name: String) throws -> AccountStanding {
        let canonical = Self.lookupName(name)
        guard let account = try store.read({ try $0.account(named: canonical) }) else { return .unknown }
        if account.isLocked(at: clock.now()) { return .locked }
        return account.mustChange ? .mustChange : .good
    }

    /// Applies the lockout policy after a counted failure: locks the account for
    /// `settings.duration` when `recentFailures` reached `settings.failures`, or when its
    /// consecutive failures reached ``AgentLockoutSettings/hardCap``.
    ///
    /// - Parameters:
    ///   - name: The account's name.
    ///   - recentFailures: Distinct failures within the policy's window.
    ///   - settings: The lockout settings.
    /// - Returns: The time the lock ends, or nil when the account was not locked.
    /// - Throws: ``WachterError`` when the store fails.
    @discardableResult
    public func applyLockout(account name: String, recentFailures: Int, settings: AgentLockoutSettings) throws -> Date? {
        let canonical = Self.lookupName(name)
        let now = clock.now()
        let until = now.addingTimeInterval(settings.duration)
        let locked: Bool = try store.write { writer in
            guard var account = try writer.account(named: canonical), !account.isLocked(at: now) else { return false }
            guard recentFailures >= settings.failures || account.failures >= AgentLockoutSettings.hardCap else { return false }
            account.lockedUntil = until
            try writer.update(account)
            _ = try AuditChain.append(
                to: writer, time: now, actor: actor, action: "lockout", target: canonical,
                detail: "failures=\(recentFailures) consecutive=\(account.failures) seconds=\(Int(settings.duration))")
            return true
        }
        guard locked else { return nil }
        logger.info("account locked after failed logins", metadata: ["account": "\(canonical)"])
        return until
    }

    /// Records login events in one transaction (the agent batches the events it answers without a password check).
    ///
    /// - Parameter events: The events.
    /// - Throws: ``WachterError`` when the store fails; then none is recorded.
    public func recordLogins(_ events: [LoginEvent]) throws {
        guard !events.isEmpty else { return }
        try store.write { writer in
            for event in events { try writer.insert(event) }
        }
    }

    /// The name under which an account is looked up: a mailbox's domain canonical, other names as given.
    ///
    /// - Parameter name: The name as given.
    /// - Returns: The canonical name, or `name` when it is not a valid mailbox.
    public static func lookupName(_ name: String) -> String {
        guard name.contains("@") else { return name }
        return (try? Names.mailbox(name)) ?? name
    }
}
