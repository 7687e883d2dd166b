public import Foundation

/// The policy file's strength rules, as the credential service asks for them.
///
/// Hand one to ``ServiceContext`` in place of ``MinimumLengthRule``. Reuse is
/// left to the service, which verifies the new password against the history.
public struct PolicyAcceptance: PasswordAcceptance {
    /// The policy in force.
    public let policy: WachterPolicy
    private let estimator: StrengthEstimator?
    private let now: @Sendable () -> Date

    /// Checks that the files the policy names can be read; the rules themselves are
    /// built when a password is first checked, so that commands which set no
    /// password do not pay for loading the word lists.
    ///
    /// - Parameters:
    ///   - policy: The loaded policy.
    ///   - estimator: The strength estimator; the built-in one when nil.
    ///   - now: The clock; the system clock by default.
    /// - Throws: ``WachterError/Code/notFound`` when a blocklist or breached file cannot be read.
    public init(
        policy: WachterPolicy, estimator: StrengthEstimator? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(WachterError) {
        for kind in AccountKind.allCases {
            let strength = policy.settings(forKind: kind.rawValue).strength
            let files =
                strength.blocklistFiles.map { ($0, "blocklist file") }
                + (strength.breachedFile.isEmpty ? [] : [(strength.breachedFile, "breached-password file")])
            for (file, what) in files {
                try FileAccess.checkReadable(
                    policy.resolve(file), what: what, context: "that the policy names for \(kind.rawValue) accounts")
            }
        }
        self.policy = policy
        self.estimator = estimator
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
        let checker: PasswordPolicy
        do {
            checker = try PasswordPolicy(kind: kind.rawValue, policy: policy, estimator: estimator ?? .builtIn)
        } catch {
            // Fail closed: no password is set under rules that could not be read.
            return "the policy's rules cannot be loaded: \(error.message)"
        }
        let context = StrengthContext.account(
            account, customerName: customer.name, company: customer.company, extra: [customer.email ?? ""])
        switch checker.evaluate(password, context: context, at: now()) {
        case .accept: return nil
        case .reject(let refusal): return refusal.description
        }
    }
}
