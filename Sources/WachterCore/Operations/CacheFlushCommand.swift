internal import Foundation

/// The command that makes servers forget cached logins of one user, such as
/// `doveadm auth cache flush %u`, run after every change, reset or lock.
///
/// It runs without a shell: the template is split at white space, and `%u` in a word
/// becomes the account's name.
public struct CacheFlushCommand: Sendable, Equatable, CustomStringConvertible {
    /// The words of the command, `%u` not yet replaced.
    public var words: [String]

    /// Parses a template.
    ///
    /// - Parameter template: Such as `doveadm auth cache flush %u`.
    /// - Returns: The command, or nil for an empty template.
    public init?(template: String) {
        let words = template.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { return nil }
        self.words = words
    }

    /// The template.
    public var description: String { words.joined(separator: " ") }

    /// Runs the command for one account and waits for it.
    ///
    /// - Parameter user: The account's name.
    /// - Throws: ``WachterError/Code/cacheFlushFailed`` when it cannot start or exits non-zero.
    public func run(user: String) throws(WachterError) {
        let outcome = ReloadCommand.run(words.map { $0.replacingOccurrences(of: "%u", with: user) })
        guard outcome.succeeded else {
            throw WachterError(
                .cacheFlushFailed,
                outcome.status == nil
                    ? "cannot run the cache flush command `\(self)` for \(user)"
                    : "the cache flush command `\(self)` failed with status \(outcome.status ?? -1) for \(user)",
                cause: outcome.message)
        }
    }
}
