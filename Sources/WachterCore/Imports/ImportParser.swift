/// One account read from a credential file.
public struct ImportRecord: Sendable, Equatable {
    /// The line it was on, from 1.
    public var line: Int
    /// The account's canonical name.
    public var name: String
    /// The crypt(3) hash, as it was (without a lock prefix or Dovecot scheme).
    public var hash: String
    /// Whether the file had the account locked (a `!` before the hash).
    public var locked: Bool
}

/// An account that is not imported, because its password is not a crypt(3) hash Wachter can check.
public struct ImportRefusal: Codable, Sendable, Equatable {
    /// The line it was on.
    public var line: Int
    /// The account's name.
    public var name: String
    /// Why, such as "scheme PLAIN is not a crypt(3) hash"; never the password or hash.
    public var reason: String
}

/// A parsed credential file: the accounts to import and those refused.
public struct ImportFile: Sendable, Equatable {
    /// The accounts to import, in file order.
    public var records: [ImportRecord]
    /// The accounts refused, in file order.
    public var refused: [ImportRefusal]
}

/// Reads the credential files Wachter exports, as other tools wrote them.
///
/// A line that is not of the format (wrong number of fields, a bad name, a
/// name twice, a NUL or carriage return) is malformed and fails the whole
/// file, with its line number. A well-formed line whose password Wachter
/// cannot use (`{PLAIN}`, `{SSHA512}`, argon2 from pure-pw, an empty or `*`
/// password) is refused and listed; the other lines are still imported.
public enum ImportParser {
    /// Dovecot schemes whose value is a crypt(3) string, with the method each insists on (nil: any).
    static let dovecotCryptSchemes: [String: HashMethod?] = [
        "CRYPT": nil, "DES-CRYPT": .descrypt, "MD5-CRYPT": .md5crypt, "SHA256-CRYPT": .sha256crypt,
        "SHA512-CRYPT": .sha512crypt, "BLF-CRYPT": .bcrypt,
    ]

    /// Parses a credential file.
    ///
    /// - Parameters:
    ///   - bytes: The file's contents.
    ///   - format: Its format.
    ///   - kind: The kind of account its names are checked as.
    /// - Returns: The accounts to import and the refused ones.
    /// - Throws: ``WachterError/Code/invalidInput`` naming the first malformed
    ///   line; the message never holds a password or hash.
    public static func parse(_ bytes: [UInt8], format: ExportFormat, kind: AccountKind) throws(WachterError) -> ImportFile {
        var file = ImportFile(records: [], refused: [])
        var seen = Set<String>()
        var lineNumber = 0
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if rawLine.isEmpty || rawLine.first == UInt8(ascii: "#") { continue }
            if rawLine.contains(0) { throw malformed(lineNumber, "has a NUL byte") }
            if rawLine.contains(UInt8(ascii: "\r")) {
                throw malformed(lineNumber, "has a carriage return; convert the file's line ends (dos2unix)")
            }
            guard let line = String(validating: rawLine, as: UTF8.self) else { throw malformed(lineNumber, "is not valid UTF-8") }
            let fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            switch format {
            case .dovecot:
                // user:password[:uid:gid:gecos:home:shell:extra...]; extra fields may hold ':'.
                guard fields.count == 2 || fields.count >= 7 else {
                    throw malformed(lineNumber, "has \(fields.count) fields; a Dovecot passwd-file line has 2, or 7 and more")
                }
            case .pureFTPd:
                guard fields.count == 18 else {
                    throw malformed(lineNumber, "has \(fields.count) fields; a pure-ftpd passwd line has 18")
                }
            case .proftpd:
                guard fields.count == 7 else {
                    throw malformed(lineNumber, "has \(fields.count) fields; a ProFTPD AuthUserFile line has 7")
                }
            case .shadow:
                guard fields.count == 2 || fields.count == 9 else {
                    throw malformed(lineNumber, "has \(fields.count) fields; a shadow line has 9, a chpasswd -e line 2")
                }
            }
            if format != .dovecot && format != .shadow {
                for (index, what) in [(2, "uid"), (3, "gid")] where !fields[index].isEmpty && UInt32(fields[index]) == nil {
                    throw malformed(lineNumber, "has a \(what) that is not a number")
                }
            }
            let name: String
            do {
                name = try Names.account(fields[0], kind: kind)
            } catch {
                throw malformed(lineNumber, "has a bad account name: \(error.message)")
            }
            guard seen.insert(name).inserted else { throw malformed(lineNumber, "repeats the account \(Names.quote(name))") }
            switch password(fields[1], format: format) {
            case .hash(let hash, let locked):
                file.records.append(ImportRecord(line: lineNumber, name: name, hash: hash, locked: locked))
            case .refused(let reason):
                file.refused.append(ImportRefusal(line: lineNumber, name: name, reason: reason))
            }
        }
        return file
    }

    private enum Password {
        case hash(String, locked: Bool)
        case refused(String)
    }

    private static func password(_ field: String, format: ExportFormat) -> Password {
        var value = Substring(field)
        var required: HashMethod?
        if format == .dovecot, value.hasPrefix("{") {
            guard let close = value.firstIndex(of: "}") else { return .refused("the password field has '{' but no scheme") }
            let scheme = value[value.index(after: value.startIndex)..<close].uppercased()
            guard let method = dovecotCryptSchemes[scheme] else {
                return .refused(
                    "scheme \(scheme) is not a crypt(3) hash; only CRYPT, DES-CRYPT, MD5-CRYPT, SHA256-CRYPT, SHA512-CRYPT and BLF-CRYPT are imported"
                )
            }
            required = method
            value = value[value.index(after: close)...]
        }
        var locked = false
        // `!` locks (passwd -l, usermod -L); shadow's `!!` and `!*` mean the same or no password.
        while value.hasPrefix("!") {
            locked = true
            value = value.dropFirst()
        }
        let hash = String(value)
        if hash.isEmpty || hash == "*" || hash == "x" {
            return .refused(locked ? "locked with no password" : "no password")
        }
        guard hash.utf8.allSatisfy(ExportLine.isHashByte), let method = HashMethod.identify(hash) else {
            return .refused("not a crypt(3) hash libxcrypt can check")
        }
        if let required, required != method {
            return .refused("the scheme says \(required.rawValue) but the hash is \(method.rawValue)")
        }
        switch Crypt.checkSalt(hash) {
        case .invalid: return .refused("libxcrypt cannot check this \(method.rawValue) hash")
        case .disabled: return .refused("this system's libxcrypt has \(method.rawValue) disabled")
        case .ok, .legacy, .tooCheap: break
        }
        return .hash(hash, locked: locked)
    }

    private static func malformed(_ line: Int, _ problem: String) -> WachterError {
        WachterError(.invalidInput, "line \(line) \(problem); nothing was imported")
    }
}
