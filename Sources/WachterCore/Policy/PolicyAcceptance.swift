public import Foundation

/// The policy file's strength rules, as the credential service asks for them.
///
/// Hand one to ``CredentialService`` in place of ``MinimumLengthRule``. Reuse is
/// left to the service, which verifies the new password against the history.
public struct PolicyAcceptance: PasswordAcceptance {
    /// The policy in force.
    public let policy: WachterPolicy
    private let checkers: [AccountKind: PasswordPolicy]
    private let now: @Sendable () -> Date

    /// Builds the rules of every account kind, reading the files the policy names.
    ///
    /// - Parameters:
    ///   - policy: The loaded policy.
    ///   - estimator: The strength estimator.
    ///   - now: The clock; the system clock by default.
    /// - Throws: ``WachterError/Code/notFound`` when a blocklist or breached file cannot be read.
    public init(
        policy: WachterPolicy, estimator: StrengthEstimator = .builtIn, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(WachterError) {
        var checkers: [AccountKind: PasswordPolicy] = [:]
        for kind in AccountKind.allCases {
            checkers[kind] = try PasswordPolicy(kind: kind.rawValue, policy: policy, estimator: estimator)
        }
        self.policy = policy
        self.checkers = checkers
        self.now = now
    }

    /// Why a password may not be set, or nil when it may.
    ///
    /// - Parameters:
    ///   - password: The candidate password.
    ///   - account: The account's name, a context word source.
    ///   - kind: The account's kind, which chooses the rules.
    ///   - customer: The owner, whose name and company are context words.
    ///   - history: Not used; the service checks reuse.
    /// - Returns: The reason and the suggestion, or nil.
    public func refusal(
        for password: Secret, account: String, kind: AccountKind, customer: Customer, history: [String]
    ) -> String? {
        guard let checker = checkers[kind] else { return nil }
        let context = StrengthContext.account(
            account, customerName: customer.name, company: customer.company, extra: [customer.email ?? ""])
        switch checker.evaluate(password, context: context, at: now()) {
        case .accept: return nil
        case .reject(let refusal): return refusal.description
        }
    }
}
