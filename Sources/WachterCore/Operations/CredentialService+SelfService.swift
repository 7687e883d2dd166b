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
        let canonical = try Self.lookupName(name)
        do {
            // The same rules, reuse check, history and audit entry as the operator's passwd.
            try replacePassword(
                account: canonical, source: .given(new), mustChange: false, action: "password.change",
                actor: "\(canonical) (self-service via \(service))")
        } catch let error as WachterError where error.code == .policyRefused || error.code == .invalidInput {
            return .refused(error.code == .policyRefused ? error.message : "the password was refused: \(error.message)")
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
        let canonical = try Self.lookupName(name)
        guard let account = try store.read({ try $0.account(named: canonical) }) else { return .unknown }
        let now = clock.now()
        let kindRules = rules(for: account.kind)
        if lockedReason(account, rules: kindRules, now: now) != nil { return .locked }
        switch kindRules.expiry.status(setAt: account.passwordSetAt, mustChange: account.mustChange, at: now) {
        case .mustChange, .expired: return .mustChange
        case .never, .valid, .warning: return .good
        }
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
        let canonical = try Self.lookupName(name)
        let now = clock.now()
        var until = now.addingTimeInterval(settings.duration)
        let locked: Bool = try store.write { writer -> Bool in
            guard var account = try writer.account(named: canonical), !account.isLocked(at: now) else { return false }
            // The account's kind may set a lower threshold (the shipped policy: 5 for panel logins).
            let kindLockout = rules(for: account.kind).lockout.settings
            let threshold = min(settings.failures, kindLockout.failures)
            guard recentFailures >= threshold || account.failures >= AgentLockoutSettings.hardCap else { return false }
            until = now.addingTimeInterval(max(settings.duration, TimeInterval(kindLockout.durationMinutes) * 60))
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
    /// - Returns: The canonical name.
    /// - Throws: ``WachterError/Code/invalidName`` for a malformed name (``Names/lookup(_:)``):
    ///   nothing is looked up or recorded under it.
    public static func lookupName(_ name: String) throws(WachterError) -> String {
        try Names.lookup(name)
    }
}
