public import Foundation

/// What the policy decided about a new password.
public enum PasswordVerdict: Sendable, Equatable {
    /// The password may be used; the log10 of its estimated guesses.
    case accept(guessesLog10: Double)
    /// The password is refused, with the reason and a suggestion.
    case reject(PolicyRefusal)
}

/// The rules every new password of one account kind must meet.
///
/// Build one per account kind with ``init(kind:policy:estimator:)`` and call
/// ``evaluate(_:context:at:)`` on every path that sets a password: `account add`,
/// `passwd`, `reset`, and the customers' hooks.
public struct PasswordPolicy: Sendable {
    /// The rules, checked in order; the first that fails gives the reason.
    public let rules: [any PasswordRule]
    /// The language of reasons and suggestions.
    public let language: PolicyLanguage
    /// Whether the estimate uses the account's context words.
    public let usesContext: Bool
    private let estimator: StrengthEstimator

    /// Creates a policy from rules.
    ///
    /// - Parameters:
    ///   - language: The language of reasons and suggestions.
    ///   - usesContext: Whether the estimate uses the account's context words.
    ///   - estimator: The strength estimator.
    ///   - rules: The rules, in order.
    public init(
        language: PolicyLanguage = .en, usesContext: Bool = true, estimator: StrengthEstimator = .builtIn,
        @PasswordRuleBuilder rules: () -> [any PasswordRule]
    ) {
        self.language = language
        self.usesContext = usesContext
        self.estimator = estimator
        self.rules = rules()
    }

    /// Creates the policy for an account kind from a policy file's settings,
    /// reading the blocklist and breached-password files it names.
    ///
    /// - Parameters:
    ///   - kind: `mailbox`, `ftp`, `ssh` or `panel`.
    ///   - policy: The loaded policy.
    ///   - estimator: The strength estimator.
    /// - Throws: ``WachterError/Code/notFound`` when a file the policy names cannot be read.
    public init(kind: String, policy: WachterPolicy, estimator: StrengthEstimator = .builtIn) throws(WachterError) {
        let settings = policy.settings(forKind: kind).strength
        var blocklists: [Blocklist] = []
        for file in settings.blocklistFiles {
            blocklists.append(try Blocklist.load(contentsOf: policy.resolve(file)))
        }
        var breached: BreachedPasswordFile?
        if !settings.breachedFile.isEmpty {
            breached = try BreachedPasswordFile(path: policy.resolve(settings.breachedFile))
        }
        self.init(language: settings.language, usesContext: settings.contextWords, estimator: estimator) {
            MinimumLength(settings.minLength)
            MaximumLength(settings.maxLength)
            if settings.builtinBlocklist { Blocklist.builtIn }
            blocklists
            if let breached { BreachedPasswords(file: breached, minimumCount: settings.breachedMinCount) }
            MinimumGuesses(log10: settings.minGuessesLog10)
        }
    }

    /// Checks a new password.
    ///
    /// - Parameters:
    ///   - password: The password as typed; it is normalised with NFKC.
    ///   - context: The account's context words (see ``StrengthContext/account(_:customerName:company:extra:)``).
    ///   - time: The time of the check.
    /// - Returns: Accept with the estimate, or reject with the first failing rule's reason.
    public func evaluate(_ password: Secret, context: StrengthContext, at time: Date) -> PasswordVerdict {
        let normalized: Secret
        do {
            normalized = try PasswordHasher.normalize(password)
        } catch {
            return .reject(PolicyRefusal(code: "invalid", reason: error.message, suggestion: ""))
        }
        return normalized.withBytes { evaluate(normalizedUTF8: $0, context: context, at: time) }
    }

    /// Checks a password given as UTF-8 bytes, normalising it with NFKC first.
    ///
    /// This is the fast path for checking many passwords, as `policy check-password` does.
    /// - Parameters:
    ///   - utf8: The password's bytes.
    ///   - context: The account's context words.
    ///   - time: The time of the check.
    /// - Returns: Accept or reject.
    public func evaluate(utf8: [UInt8], context: StrengthContext, at time: Date) -> PasswordVerdict {
        if utf8.allSatisfy({ $0 < 0x80 && $0 != 0 }) {
            return evaluate(normalizedUTF8: utf8, context: context, at: time)
        }
        return evaluate(Secret(bytes: utf8), context: context, at: time)
    }

    private func evaluate(normalizedUTF8 utf8: [UInt8], context: StrengthContext, at time: Date) -> PasswordVerdict {
        let scalars: [UInt32]
        if utf8.allSatisfy({ $0 < 0x80 }) {
            scalars = utf8.map { UInt32($0) }
        } else {
            scalars = String(decoding: utf8, as: UTF8.self).unicodeScalars.map(\.value)
        }
        let estimate = estimator.estimate(scalars: scalars, context: usesContext ? context : .none)
        let candidate = PasswordCandidate(scalars: scalars, utf8: utf8, estimate: estimate, language: language)
        for rule in rules {
            if case .fails(let refusal) = rule.evaluate(candidate, at: time) { return .reject(refusal) }
        }
        return .accept(guessesLog10: estimate.guessesLog10)
    }
}
