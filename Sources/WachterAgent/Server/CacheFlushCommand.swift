internal import Foundation
public import WachterCore

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
        let arguments = words.map { $0.replacingOccurrences(of: "%u", with: user) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0].hasPrefix("/") ? arguments[0] : "/usr/bin/env")
        process.arguments = arguments[0].hasPrefix("/") ? Array(arguments.dropFirst()) : arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw WachterError(.cacheFlushFailed, "cannot run the cache flush command `\(self)`", cause: error.localizedDescription)
        }
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let message = String(decoding: output.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw WachterError(
                .cacheFlushFailed, "the cache flush command `\(self)` failed with status \(process.terminationStatus) for \(user)",
                cause: message.isEmpty ? nil : message)
        }
    }
}
