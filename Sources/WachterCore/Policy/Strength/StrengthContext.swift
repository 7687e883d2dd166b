internal import Foundation

/// Words that an attacker who knows the account would try first: its name and
/// parts of it, the mailbox's domain and labels, the customer's name and company.
///
/// Build one per account and reuse it for every password checked against that
/// account; building it costs far more than one estimate.
public struct StrengthContext: Sendable {
    let table: WordTable
    /// The words matched, lowered, after splitting on punctuation.
    public let words: [String]

    /// An empty context.
    public static let none = StrengthContext([])

    /// Creates a context from free-form values.
    ///
    /// Each value is normalised with NFKC and lowered, then added whole, with its
    /// punctuation removed, and split at every character that is not a letter or
    /// digit; parts shorter than three characters are left out, since they add
    /// almost nothing to an attacker's list.
    /// - Parameter values: Account names, e-mail addresses, domains, names.
    public init(_ values: [String]) {
        var words: [String] = []
        var seen: Set<String> = []
        func add(_ word: String) {
            if word.unicodeScalars.count >= 3, seen.insert(word).inserted { words.append(word) }
        }
        for value in values {
            let lowered = value.precomposedStringWithCompatibilityMapping.lowercased()
            let parts = lowered.split { !$0.isLetter && !$0.isNumber }.map(String.init)
            add(lowered)
            add(parts.joined())
            for part in parts { add(part) }
            // "bakkerij-jansen.nl": the domain's labels without the top level.
            if parts.count > 2 { add(parts.dropLast().joined()) }
        }
        var table = WordTable(expectedEntries: words.reduce(0) { $0 + $1.unicodeScalars.count } + 16)
        for word in words {
            table.insert(word.unicodeScalars.map(\.value), rank: 1, dictionary: 0)
        }
        self.table = table
        self.words = words
    }

    /// The usual context of an account.
    ///
    /// - Parameters:
    ///   - account: The account's name, such as `info@bakkerij-jansen.nl`.
    ///   - customerName: The customer's name.
    ///   - company: The customer's company.
    ///   - extra: Further words, such as the operator's `--context` values.
    /// - Returns: The context.
    public static func account(
        _ account: String?, customerName: String? = nil, company: String? = nil, extra: [String] = []
    ) -> StrengthContext {
        StrengthContext([account, customerName, company].compactMap { $0 } + extra)
    }
}
