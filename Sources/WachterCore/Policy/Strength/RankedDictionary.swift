internal import Foundation

/// A list of words, most common first, that the estimator matches passwords against.
public struct RankedDictionary: Sendable {
    /// What the words are, for feedback.
    public enum Category: String, Sendable, CaseIterable, Codable {
        /// Passwords seen in leaks.
        case passwords
        /// Ordinary words of a language.
        case words
        /// First names and surnames.
        case names
    }

    /// The dictionary's name, such as `english` or `passwords`.
    public var name: String
    /// What its words are.
    public var category: Category
    /// The words in lower case, most common first; the first has rank 1.
    public var words: [String]

    /// Creates a dictionary.
    ///
    /// - Parameters:
    ///   - name: A short name, such as `dutch`.
    ///   - category: What the words are.
    ///   - words: The words, most common first.
    public init(name: String, category: Category, words: [String]) {
        self.name = name
        self.category = category
        self.words = words
    }

    /// Parses a word list with one word per line, most common first.
    ///
    /// Blank lines and lines starting with `#` are skipped; words are lowered.
    /// - Parameters:
    ///   - name: The dictionary's name.
    ///   - category: What the words are.
    ///   - text: The file's text.
    /// - Returns: The dictionary.
    public static func parse(name: String, category: Category, text: String) -> RankedDictionary {
        var words: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let word = line.trimmingCharacters(in: .whitespaces)
            if word.isEmpty || word.hasPrefix("#") { continue }
            words.append(word.precomposedStringWithCompatibilityMapping.lowercased())
        }
        return RankedDictionary(name: name, category: category, words: words)
    }

    /// Reads a word list file with one word per line, most common first.
    ///
    /// - Parameters:
    ///   - path: The file's path.
    ///   - name: The dictionary's name; the file name without extension when nil.
    ///   - category: What the words are.
    ///   - what: What the file is, for an error: `word list` or `blocklist file`.
    /// - Returns: The dictionary.
    /// - Throws: ``WachterError`` with the path and the system's reason when the file cannot be read.
    public static func load(
        contentsOf path: String, name: String? = nil, category: Category = .passwords, what: String = "word list"
    ) throws(WachterError) -> RankedDictionary {
        let text = try FileAccess.readText(path, what: what)
        let base = name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return parse(name: base, category: category, text: text)
    }
}
