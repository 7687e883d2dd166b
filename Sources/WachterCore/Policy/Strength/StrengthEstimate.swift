/// The language in which the policy speaks to customers.
public enum PolicyLanguage: String, Sendable, CaseIterable, Codable {
    /// English.
    case en
    /// Dutch.
    case nl
}

/// One pattern that the estimator found in a password.
///
/// A match names a range of characters and never holds the characters
/// themselves, so that matches can be printed without showing the password.
public struct PatternMatch: Sendable, Equatable {
    /// What kind of pattern a match is.
    public enum Kind: Sendable, Equatable {
        /// A word from a ranked dictionary, possibly reversed or with l33t substitutions.
        case dictionary(name: String, rank: Int, reversed: Bool, l33t: Bool)
        /// Two dictionary words joined by a linking `s`, `e` or `en`, as Dutch writes compounds.
        case compound(parts: Int)
        /// A word from the account's context, such as its name, domain or customer.
        case context(reversed: Bool, l33t: Bool)
        /// A walk over adjacent keys of a keyboard layout.
        case keyboardWalk(layout: String, turns: Int, shifted: Int)
        /// Characters with equal steps between them, such as `abc` or `9753`.
        case sequence(ascending: Bool)
        /// A block repeated, such as `aaa` or `abcabc`.
        case repeated(count: Int)
        /// A calendar date, with or without separators.
        case date(year: Int)
        /// A year.
        case year(Int)
        /// Characters that match no pattern and are counted as guessed one by one.
        case bruteforce
    }

    /// The kind of pattern.
    public var kind: Kind
    /// The characters it covers, counted after NFKC normalisation.
    public var range: Range<Int>
    /// The base-10 logarithm of the guesses this part alone needs.
    public var guessesLog10: Double

    /// Creates a match.
    ///
    /// - Parameters:
    ///   - kind: The kind of pattern.
    ///   - range: The characters it covers.
    ///   - guessesLog10: The log10 of its guesses.
    public init(kind: Kind, range: Range<Int>, guessesLog10: Double) {
        self.kind = kind
        self.range = range
        self.guessesLog10 = guessesLog10
    }
}

/// Why a password is guessable, as a customer can understand and act on it.
public enum StrengthIssue: String, Sendable, CaseIterable, Codable {
    /// The whole password is, or is mostly, a commonly used password.
    case commonPassword = "common-password"
    /// It is mostly a word from a dictionary.
    case dictionaryWord = "dictionary-word"
    /// It is mostly a first name or surname.
    case name
    /// It contains the account's name, domain, customer or company.
    case contextWord = "context-word"
    /// It is mostly a walk over the keyboard.
    case keyboardWalk = "keyboard-walk"
    /// It is mostly a sequence such as `abcd` or `4321`.
    case sequence
    /// It is mostly repeated characters or blocks.
    case repeated
    /// It is mostly a date or a year.
    case date
    /// It is short and has no recognisable pattern, but is still quick to guess.
    case tooGuessable = "too-guessable"

    /// The reason, in a sentence.
    ///
    /// - Parameter language: The language to use.
    /// - Returns: One sentence that does not quote the password.
    public func reason(in language: PolicyLanguage) -> String {
        switch (self, language) {
        case (.commonPassword, .en): "This is one of the most commonly used passwords."
        case (.commonPassword, .nl): "Dit is een van de meest gebruikte wachtwoorden."
        case (.dictionaryWord, .en): "A word from a dictionary is easy to guess, even with capitals, l33t or reversed."
        case (.dictionaryWord, .nl):
            "Een woord uit het woordenboek is makkelijk te raden, ook met hoofdletters, l33t of achterstevoren."
        case (.name, .en): "Names and surnames are easy to guess."
        case (.name, .nl): "Voornamen en achternamen zijn makkelijk te raden."
        case (.contextWord, .en): "It contains the account name, domain, customer or company name."
        case (.contextWord, .nl): "Het bevat de accountnaam, het domein, of de naam van de klant of het bedrijf."
        case (.keyboardWalk, .en): "Rows and walks of adjacent keys are easy to guess."
        case (.keyboardWalk, .nl): "Rijen en looppatronen van naast elkaar liggende toetsen zijn makkelijk te raden."
        case (.sequence, .en): "Sequences such as abc or 4321 are easy to guess."
        case (.sequence, .nl): "Reeksen zoals abc of 4321 zijn makkelijk te raden."
        case (.repeated, .en): "Repeated characters or blocks such as aaa or abcabc are easy to guess."
        case (.repeated, .nl): "Herhaalde tekens of blokken zoals aaa of abcabc zijn makkelijk te raden."
        case (.date, .en): "Dates and years are easy to guess."
        case (.date, .nl): "Datums en jaartallen zijn makkelijk te raden."
        case (.tooGuessable, .en): "This password is too quick to guess."
        case (.tooGuessable, .nl): "Dit wachtwoord is te snel te raden."
        }
    }

    /// A suggestion for a better password, in a sentence.
    ///
    /// - Parameter language: The language to use.
    /// - Returns: One sentence of advice.
    public func suggestion(in language: PolicyLanguage) -> String {
        switch (self, language) {
        case (.contextWord, .en): "Leave out your own name, domain and company, and use four or more unrelated words."
        case (.contextWord, .nl): "Laat je eigen naam, domein en bedrijf weg en gebruik vier of meer losse woorden."
        case (.date, .en), (.sequence, .en), (.repeated, .en):
            "Avoid dates, years and patterns; use four or more unrelated words."
        case (.date, .nl), (.sequence, .nl), (.repeated, .nl):
            "Vermijd datums, jaartallen en patronen; gebruik vier of meer losse woorden."
        case (_, .en): "Use a longer password of four or more unrelated words; a password manager can make one for you."
        case (_, .nl):
            "Gebruik een langer wachtwoord van vier of meer losse woorden; een wachtwoordmanager kan er een voor je maken."
        }
    }
}

/// What the estimator concluded about one password.
public struct StrengthEstimate: Sendable, Equatable {
    /// The base-10 logarithm of the number of guesses an informed attacker needs.
    public var guessesLog10: Double
    /// The password's length in characters after NFKC normalisation.
    public var length: Int
    /// The cheapest way, found by the estimator, to cover the password with
    /// patterns, in order.
    public var matches: [PatternMatch]
    /// The main reason the password is guessable, judged from its matches.
    public var issue: StrengthIssue

    /// Creates an estimate.
    ///
    /// - Parameters:
    ///   - guessesLog10: The log10 of the guesses.
    ///   - length: The length in characters.
    ///   - matches: The patterns, in order.
    ///   - issue: The main reason the password is guessable.
    public init(guessesLog10: Double, length: Int, matches: [PatternMatch], issue: StrengthIssue) {
        self.guessesLog10 = guessesLog10
        self.length = length
        self.matches = matches
        self.issue = issue
    }

    /// The reason, in a sentence, for when the estimate is below the policy.
    ///
    /// - Parameter language: The language to use.
    /// - Returns: A sentence that does not quote the password.
    public func reason(in language: PolicyLanguage) -> String { issue.reason(in: language) }

    /// A suggestion, in a sentence, for when the estimate is below the policy.
    ///
    /// - Parameter language: The language to use.
    /// - Returns: A sentence of advice.
    public func suggestion(in language: PolicyLanguage) -> String { issue.suggestion(in: language) }
}
