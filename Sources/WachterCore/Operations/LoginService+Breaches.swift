public import Foundation
internal import Logging

/// Passwords found in the breached-password file at login: a successful login
/// whose password is listed marks the account must-change, with an audit entry
/// (`login.breached`) that the weekly report and `policy breached-check` read.
/// Only the account, the time and the service are written; the password is
/// hashed with SHA-1 for the lookup and never kept.
extension LoginService {
    /// The audit action of an account marked must-change at login.
    public static let breachAction = "login.breached"
    /// The reason given for it.
    public static let breachReason = "found in a breach list"

    /// Whether a password that just verified is listed in the kind's breached-password
    /// file at least `breached_min_count` times. A file that cannot be read is logged
    /// and the login goes on: the rule that refuses new passwords fails closed, this
    /// check after a correct password does not lock anybody out.
    func isBreached(_ password: Secret, rules: KindRules) -> Bool {
        guard let file = rules.breachedFile else { return false }
        do {
            let normalized = try PasswordHasher.normalize(password)
            let count = try normalized.withBytes { bytes throws(WachterError) in try file.count(of: bytes) }
            return count >= rules.breachedMinCount
        } catch {
            logger.warning("breached-password lookup failed", metadata: ["file": "\(file.path)", "error": "\(error.message)"])
            return false
        }
    }

    /// Marks an account must-change inside a login batch's transaction, once.
    func markBreached(_ account: inout Account, effects: LoginEffects, writer: any StoreWriting) throws {
        guard effects.breached, !account.mustChange else { return }
        account.mustChange = true
        try AuditChain.append(
            to: writer, time: effects.event.time, actor: actor, action: Self.breachAction, target: account.name,
            detail: "reason=\(Self.breachReason) service=\(effects.event.service)")
        logger.notice(
            "password found in a breach list at login; the account must change it",
            metadata: ["account": "\(account.name)", "service": "\(effects.event.service)"])
    }

    /// Every account caught at login with a breached password, from the audit trail.
    ///
    /// - Returns: One finding per audit entry, oldest first, with whether the account
    ///   still exists and still has to change its password.
    /// - Throws: ``WachterError`` when the store fails.
    public func breachesFoundAtLogin() throws -> [BreachFinding] {
        try store.read { reader in
            try reader.auditEntries().filter { $0.action == Self.breachAction }.map { entry in
                let account = try reader.account(named: entry.target)
                return BreachFinding(
                    account: entry.target, time: entry.time, stored: account != nil,
                    mustChange: account.map { $0.mustChange && $0.passwordSetAt <= entry.time } ?? false)
            }
        }
    }
}

/// An account whose password was found in the breached-password file at a login.
public struct BreachFinding: Codable, Sendable, Equatable {
    /// The account's name.
    public var account: String
    /// When the login was.
    public var time: Date
    /// Whether the account is still stored.
    public var stored: Bool
    /// Whether it still has to change that password.
    public var mustChange: Bool

    /// Creates a finding.
    ///
    /// - Parameters:
    ///   - account: The account's name.
    ///   - time: When the login was.
    ///   - stored: Whether the account is still stored.
    ///   - mustChange: Whether it still has to change that password.
    public init(account: String, time: Date, stored: Bool, mustChange: Bool) {
        self.account = account
        self.time = time
        self.stored = stored
        self.mustChange = mustChange
    }
}

extension KindRules {
    /// Opens the kind's breached-password file, when the policy names one, for the
    /// check at login; files are opened once however many kinds share them.
    ///
    /// - Parameters:
    ///   - strength: The kind's strength settings.
    ///   - policy: The policy, to resolve relative paths.
    ///   - opened: Files already opened, by path.
    /// - Throws: ``WachterError/Code/notFound`` when the file cannot be opened.
    mutating func useBreachedFile(
        _ strength: StrengthSettings, policy: WachterPolicy, opened: inout [String: BreachedPasswordFile]
    ) throws(WachterError) {
        guard !strength.breachedFile.isEmpty else { return }
        let path = policy.resolve(strength.breachedFile)
        if opened[path] == nil { opened[path] = try BreachedPasswordFile(path: path) }
        breachedFile = opened[path]
        breachedMinCount = strength.breachedMinCount
    }
}
