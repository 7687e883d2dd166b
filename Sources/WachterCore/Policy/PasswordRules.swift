public import Foundation

/// Why a rule refused a password, in words a customer can act on.
public struct PolicyRefusal: Sendable, Equatable, CustomStringConvertible {
    /// A stable name for the rule that refused, such as `too-short`.
    public var code: String
    /// One sentence on what is wrong; it never quotes the password.
    public var reason: String
    /// One sentence on what to do instead.
    public var suggestion: String

    /// Creates a refusal.
    ///
    /// - Parameters:
    ///   - code: The rule's stable name.
    ///   - reason: What is wrong.
    ///   - suggestion: What to do instead.
    public init(code: String, reason: String, suggestion: String) {
        self.code = code
        self.reason = reason
        self.suggestion = suggestion
    }

    /// The reason followed by the suggestion.
    public var description: String { "\(reason) \(suggestion)" }
}

/// What one rule says about a password.
public enum RuleResult: Sendable, Equatable {
    /// The password meets the rule.
    case meets
    /// The password fails the rule, for the given reason.
    case fails(PolicyRefusal)
}

/// A password under review, normalised once and estimated once for all rules.
///
/// The characters are readable only inside WachterCore, so that a rule written
/// elsewhere sees the length and the estimate but not the password.
public struct PasswordCandidate: Sendable {
    /// NFKC-normalised code points.
    let scalars: [UInt32]
    /// NFKC-normalised UTF-8 bytes.
    let utf8: [UInt8]
    /// The length in characters after NFKC normalisation.
    public let length: Int
    /// The strength estimate, made with the account's context when the policy uses it.
    public let estimate: StrengthEstimate
    /// The language for reasons and suggestions.
    public let language: PolicyLanguage

    init(scalars: [UInt32], utf8: [UInt8], estimate: StrengthEstimate, language: PolicyLanguage) {
        self.scalars = scalars
        self.utf8 = utf8
        self.length = scalars.count
        self.estimate = estimate
        self.language = language
    }
}

/// One rule of a password policy.
///
/// A rule answers "meets" or "fails, because" and never throws; it takes the
/// time as a parameter so that tests can fix it.
public protocol PasswordRule: Sendable {
    /// Checks a password.
    ///
    /// - Parameters:
    ///   - candidate: The password, normalised and estimated.
    ///   - time: The time of the check.
    /// - Returns: Whether the password meets the rule, and why not.
    func evaluate(_ candidate: PasswordCandidate, at time: Date) -> RuleResult
}

/// Combines rules in the order written.
@resultBuilder
public enum PasswordRuleBuilder {
    /// Collects the rules of a block.
    ///
    /// - Parameter components: The block's rule lists.
    /// - Returns: The rules in order.
    public static func buildBlock(_ components: [any PasswordRule]...) -> [any PasswordRule] {
        components.flatMap { $0 }
    }

    /// Wraps one rule.
    ///
    /// - Parameter expression: The rule.
    /// - Returns: A list of it.
    public static func buildExpression(_ expression: any PasswordRule) -> [any PasswordRule] { [expression] }

    /// Keeps a rule list as it is.
    ///
    /// - Parameter expression: The rules.
    /// - Returns: The same rules.
    public static func buildExpression(_ expression: [any PasswordRule]) -> [any PasswordRule] { expression }

    /// Supports `if` without `else`.
    ///
    /// - Parameter component: The rules when the condition holds.
    /// - Returns: Those rules, or none.
    public static func buildOptional(_ component: [any PasswordRule]?) -> [any PasswordRule] { component ?? [] }

    /// Supports the first branch of `if`/`else`.
    ///
    /// - Parameter component: That branch's rules.
    /// - Returns: The same rules.
    public static func buildEither(first component: [any PasswordRule]) -> [any PasswordRule] { component }

    /// Supports the second branch of `if`/`else`.
    ///
    /// - Parameter component: That branch's rules.
    /// - Returns: The same rules.
    public static func buildEither(second component: [any PasswordRule]) -> [any PasswordRule] { component }

    /// Supports `for` loops.
    ///
    /// - Parameter components: Each pass's rules.
    /// - Returns: All of them in order.
    public static func buildArray(_ components: [[any PasswordRule]]) -> [any PasswordRule] {
        components.flatMap { $0 }
    }
}

private func text(_ language: PolicyLanguage, _ english: String, _ dutch: String) -> String {
    language == .en ? english : dutch
}

/// Passwords must have at least a number of characters.
public struct MinimumLength: PasswordRule {
    /// The fewest characters.
    public var count: Int

    /// Creates the rule.
    ///
    /// - Parameter count: The fewest characters, after NFKC normalisation.
    public init(_ count: Int) { self.count = count }

    /// Checks the length.
    ///
    /// - Parameters:
    ///   - candidate: The password.
    ///   - time: Not used.
    /// - Returns: `.meets` for at least ``count`` characters.
    public func evaluate(_ candidate: PasswordCandidate, at time: Date) -> RuleResult {
        guard candidate.length < count else { return .meets }
        let language = candidate.language
        return .fails(
            PolicyRefusal(
                code: "too-short",
                reason: text(
                    language, "The password has \(candidate.length) characters; at least \(count) are needed.",
                    "Het wachtwoord heeft \(candidate.length) tekens; er zijn er minstens \(count) nodig."),
                suggestion: text(
                    language, "Use a passphrase of four or more unrelated words.",
                    "Gebruik een zin van vier of meer losse woorden.")))
    }
}

/// Passwords may have at most a number of characters.
public struct MaximumLength: PasswordRule {
    /// The most characters.
    public var count: Int

    /// Creates the rule.
    ///
    /// - Parameter count: The most characters, after NFKC normalisation.
    public init(_ count: Int) { self.count = count }

    /// Checks the length.
    ///
    /// - Parameters:
    ///   - candidate: The password.
    ///   - time: Not used.
    /// - Returns: `.meets` for at most ``count`` characters.
    public func evaluate(_ candidate: PasswordCandidate, at time: Date) -> RuleResult {
        guard candidate.length > count else { return .meets }
        let language = candidate.language
        return .fails(
            PolicyRefusal(
                code: "too-long",
                reason: text(
                    language, "The password has \(candidate.length) characters; at most \(count) are allowed.",
                    "Het wachtwoord heeft \(candidate.length) tekens; er zijn er hoogstens \(count) toegestaan."),
                suggestion: text(language, "Use a shorter password.", "Gebruik een korter wachtwoord.")))
    }
}

/// Passwords must not be, as a whole and ignoring case, on a list.
public struct Blocklist: PasswordRule {
    /// The list's name, shown in the reason.
    public var name: String
    private let table: WordTable?

    /// Creates the rule.
    ///
    /// - Parameters:
    ///   - name: The list's name, such as `common passwords`.
    ///   - entries: The refused passwords; they are normalised and lowered.
    public init(name: String, entries: [String]) {
        self.name = name
        var table = WordTable(expectedEntries: entries.count * 8)
        for entry in entries {
            let normalized = entry.precomposedStringWithCompatibilityMapping
            table.insert(normalized.unicodeScalars.map { StrengthEstimator.lower($0.value) }, rank: 1, dictionary: 0)
        }
        self.table = table
    }

    /// The shipped list, looked up in the built-in word table.
    private init(builtInNamed name: String) {
        self.name = name
        self.table = nil
    }

    /// The shipped list of common passwords (`policies/wordlists/passwords.txt`).
    public static let builtIn = Blocklist(builtInNamed: "common passwords")

    /// Reads a blocklist file, one password per line.
    ///
    /// - Parameter path: The file.
    /// - Returns: The rule.
    /// - Throws: ``WachterError/Code/notFound`` when the file cannot be read.
    public static func load(contentsOf path: String) throws(WachterError) -> Blocklist {
        let dictionary = try RankedDictionary.load(contentsOf: path, what: "blocklist file")
        return Blocklist(name: dictionary.name, entries: dictionary.words)
    }

    /// Whether the whole password, lowered, is on the list.
    ///
    /// - Parameter scalars: NFKC-normalised code points.
    /// - Returns: Whether it is listed.
    func contains(_ scalars: [UInt32]) -> Bool {
        guard let table else { return BuiltInWordTable.shared.isListedPassword(scalars) }
        var hash = WordTable.seed
        for scalar in scalars { hash = WordTable.step(hash, StrengthEstimator.lower(scalar)) }
        return (table.lookup(hash)?.rank ?? 0) > 0
    }

    /// Checks the password against the list.
    ///
    /// - Parameters:
    ///   - candidate: The password.
    ///   - time: Not used.
    /// - Returns: `.fails` when the password is listed.
    public func evaluate(_ candidate: PasswordCandidate, at time: Date) -> RuleResult {
        guard contains(candidate.scalars) else { return .meets }
        let language = candidate.language
        return .fails(
            PolicyRefusal(
                code: "blocklisted",
                reason: text(
                    language, "This password is on the blocklist of \(name).",
                    "Dit wachtwoord staat op de zwarte lijst (\(name))."),
                suggestion: StrengthIssue.commonPassword.suggestion(in: language)))
    }
}

/// Passwords must not be in a local breached-password file.
public struct BreachedPasswords: PasswordRule {
    /// The file.
    public let file: BreachedPasswordFile
    /// How often a password must appear to be refused.
    public var minimumCount: Int

    /// Creates the rule.
    ///
    /// - Parameters:
    ///   - file: The sorted `SHA-1-HEX:count` file.
    ///   - minimumCount: How often a password must appear to be refused.
    public init(file: BreachedPasswordFile, minimumCount: Int = 1) {
        self.file = file
        self.minimumCount = minimumCount
    }

    /// Looks the password up.
    ///
    /// - Parameters:
    ///   - candidate: The password.
    ///   - time: Not used.
    /// - Returns: `.fails` when it appears at least ``minimumCount`` times; a
    ///   file that cannot be read fails closed.
    public func evaluate(_ candidate: PasswordCandidate, at time: Date) -> RuleResult {
        let language = candidate.language
        let count: Int
        do {
            count = try file.count(of: candidate.utf8)
        } catch {
            return .fails(
                PolicyRefusal(
                    code: "breached-file-unreadable",
                    reason: text(
                        language, "The list of breached passwords cannot be read, so no password can be checked.",
                        "De lijst met gelekte wachtwoorden is onleesbaar, dus geen wachtwoord kan worden gecontroleerd."),
                    suggestion: text(
                        language, "Ask the operator to fix the policy.", "Vraag de beheerder het beleid te herstellen.")))
        }
        guard count >= minimumCount, count > 0 else { return .meets }
        return .fails(
            PolicyRefusal(
                code: "breached",
                reason: text(
                    language, "This password has appeared in data breaches (\(count) times).",
                    "Dit wachtwoord is uitgelekt bij datalekken (\(count) keer)."),
                suggestion: StrengthIssue.commonPassword.suggestion(in: language)))
    }
}

/// Passwords must need at least a number of guesses.
public struct MinimumGuesses: PasswordRule {
    /// The least log10 of estimated guesses.
    public var log10: Double

    /// Creates the rule.
    ///
    /// - Parameter log10: The least log10 of guesses.
    public init(log10: Double) { self.log10 = log10 }

    /// Compares the estimate with the minimum.
    ///
    /// - Parameters:
    ///   - candidate: The password, estimated.
    ///   - time: Not used.
    /// - Returns: `.fails`, with the estimator's reason, below the minimum.
    public func evaluate(_ candidate: PasswordCandidate, at time: Date) -> RuleResult {
        guard candidate.estimate.guessesLog10 < log10 else { return .meets }
        let issue = candidate.estimate.issue
        return .fails(
            PolicyRefusal(
                code: issue.rawValue, reason: issue.reason(in: candidate.language),
                suggestion: issue.suggestion(in: candidate.language)))
    }
}
