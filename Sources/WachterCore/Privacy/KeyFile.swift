public import Foundation

/// The file that holds the keys of personal data at rest: where it is, how it is read
/// and written, and the mode checks on it.
///
/// One key per line, `ID BASE64` (a 256-bit key), after comment lines that start with
/// `#`. The last key is the current one, which seals new values; earlier keys only open
/// values sealed before a `wachter key rotate`, until `wachter key retire` drops the ones
/// no stored value uses any more (docs/PRIVACY.md).
public enum KeyFile {
    /// The key file in effect: `explicit`, else `$WACHTER_KEY_FILE`, else `/etc/wachter/key`
    /// for root's default store (`/var/lib/wachter/wachter.sqlite`), else the store's path
    /// with `.key` appended (beside the store), so that a store named elsewhere never uses
    /// the host's key.
    ///
    /// - Parameters:
    ///   - explicit: A path given on the command line, if any.
    ///   - store: The store's path.
    ///   - environment: The process environment.
    /// - Returns: The path.
    public static func path(
        explicit: String? = nil, store: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let explicit { return explicit }
        if let fromEnvironment = environment["WACHTER_KEY_FILE"], !fromEnvironment.isEmpty { return fromEnvironment }
        if geteuid() == 0, store == "/var/lib/wachter/wachter.sqlite" { return "/etc/wachter/key" }
        if PostgresLocation.isURL(store) {
            // A shared store has no file to sit beside: root's key is /etc/wachter/key, anyone else's in their config.
            if geteuid() == 0 { return "/etc/wachter/key" }
            return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/wachter/key"
        }
        return store + ".key"
    }

    /// Reads the keys, refusing a file that group or others can read.
    ///
    /// - Parameter path: The key file.
    /// - Returns: The keys, the last one current.
    /// - Throws: ``WachterError/Code/keyUnavailable`` for a missing, unreadable, malformed or readable-by-others file.
    public static func load(_ path: String) throws(WachterError) -> KeyRing {
        guard FileManager.default.fileExists(atPath: path) else {
            throw WachterError(
                .keyUnavailable,
                "there is no key file at \(path), so personal data can be neither encrypted nor read; "
                    + "`wachter init` creates one, or set $WACHTER_KEY_FILE to where it is")
        }
        if let mode = permissions(path), mode & 0o077 != 0 {
            throw WachterError(
                .keyUnavailable,
                "the key file \(path) can be read by other users (mode 0\(String(mode, radix: 8))); run `chmod 600 \(path)`")
        }
        let text: String
        do { text = try FileAccess.readText(path, what: "key file") } catch {
            throw WachterError(.keyUnavailable, error.message)
        }
        var keys: [KeyRing.Entry] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = trimmed.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, KeyRing.isValidID(String(parts[0])),
                let bytes = Data(base64Encoded: String(parts[1])), bytes.count == 32
            else {
                throw WachterError(
                    .keyUnavailable,
                    "line \(number + 1) of the key file \(path) is not `ID BASE64` with an id of 8 hex digits and a 256-bit key")
            }
            guard !keys.contains(where: { $0.id == String(parts[0]) }) else {
                throw WachterError(.keyUnavailable, "the key file \(path) has the key id \(parts[0]) twice")
            }
            keys.append(KeyRing.Entry(id: String(parts[0]), material: Array(bytes)))
        }
        guard let ring = KeyRing(keys) else {
            throw WachterError(.keyUnavailable, "the key file \(path) holds no key; `wachter init` makes one in a new file")
        }
        return ring
    }

    /// Creates the key file with one new key, mode 0600, unless it exists.
    ///
    /// - Parameter path: The key file.
    /// - Returns: Whether a file was created.
    /// - Throws: ``WachterError/Code/keyUnavailable`` when it cannot be written, or an existing one is unsafe or malformed.
    @discardableResult
    public static func createIfMissing(_ path: String) throws(WachterError) -> Bool {
        if FileManager.default.fileExists(atPath: path) {
            _ = try load(path)
            return false
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw WachterError(
                    .keyUnavailable, "cannot create the key file's directory \(directory): \(FileAccess.reason(of: error))")
            }
        }
        try save(KeyRing([KeyRing.Entry.generate()])!, to: path)
        return true
    }

    /// Writes the keys, replacing the file atomically, mode 0600.
    ///
    /// - Parameters:
    ///   - ring: The keys, the current one last.
    ///   - path: The key file.
    /// - Throws: ``WachterError/Code/keyUnavailable`` when it cannot be written.
    public static func save(_ ring: KeyRing, to path: String) throws(WachterError) {
        var text =
            "# Wachter's keys for personal data at rest (docs/PRIVACY.md); keep this file 0600 and back it up.\n"
            + "# One key per line: ID BASE64. The last is current; earlier ones only decrypt until `wachter key retire`.\n"
        for entry in ring.entries {
            text += entry.id + " " + Data(entry.material).base64EncodedString() + "\n"
        }
        do { try FileAccess.write(Array(text.utf8), to: path, what: "key file", mode: 0o600) } catch {
            throw WachterError(.keyUnavailable, error.message)
        }
    }

    private static func permissions(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
    }
}
