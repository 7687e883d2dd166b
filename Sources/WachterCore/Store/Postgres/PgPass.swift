internal import Foundation

/// The password for a PostgreSQL store, read from a pgpass file as libpq reads it.
///
/// The file is the URL's `passfile`, else `$PGPASSFILE`, else `~/.pgpass`. Each line is
/// `hostname:port:database:username:password`, `*` matching anything, `\:` and `\\`
/// escaping; the first matching line wins. A socket server matches the host
/// `localhost` or its socket directory. The file must not be readable by group or
/// others (mode 0600), as libpq requires; a password never comes from the URL,
/// argv or the environment.
enum PgPass {
    /// Finds the password for a server.
    ///
    /// - Parameters:
    ///   - location: The store URL (its passfile, user and database).
    ///   - server: The server being connected to.
    ///   - environment: `$PGPASSFILE` and `$HOME`.
    /// - Returns: The password, or nil when no file or no line matches (the server may trust the peer).
    /// - Throws: ``WachterError/Code/storeInsecure`` for a file others can read;
    ///   ``FileAccess``'s sentence for a named file that cannot be read.
    static func password(
        for location: PostgresLocation, server: PostgresLocation.Server,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(WachterError) -> String? {
        let path: String
        if let file = location.passFile {
            path = file
        } else if let file = environment["PGPASSFILE"], !file.isEmpty {
            path = file
        } else {
            path = (environment["HOME"] ?? NSHomeDirectory()) + "/.pgpass"
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            // A missing default file is normal (peer or trust authentication); a named one is a mistake.
            if location.passFile != nil { try FileAccess.checkReadable(path, what: "pgpass file") }
            return nil
        }
        let mode = (attributes[.posixPermissions] as? Int) ?? 0
        if mode & 0o077 != 0 {
            throw WachterError(
                .storeInsecure,
                "the pgpass file \(path) can be read by other users (mode 0\(String(mode, radix: 8))); run `chmod 600 \(path)`")
        }
        let text = try FileAccess.readText(path, what: "pgpass file")
        let hosts = server.isSocket ? ["localhost", server.host] : [server.host]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") { continue }
            let fields = split(line)
            guard fields.count == 5 else { continue }
            let wanted = [hosts, [String(server.port)], [location.database], [location.user]]
            if zip(fields, wanted).allSatisfy({ field, values in field == "*" || values.contains(field) }) {
                return fields[4]
            }
        }
        return nil
    }

    /// Splits a line at unescaped colons, undoing `\:` and `\\`.
    static func split(_ line: Substring) -> [String] {
        var fields: [String] = []
        var field = ""
        var escaped = false
        for character in line {
            if escaped {
                field.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 4 {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }
}
