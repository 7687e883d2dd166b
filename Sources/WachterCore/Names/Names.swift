internal import Foundation

/// The kinds of login a hosting customer has.
public enum AccountKind: String, CaseIterable, Codable, Sendable {
    /// An IMAP/POP3/SMTP mailbox, named by its address.
    case mailbox
    /// An FTP user.
    case ftp
    /// An SSH or SFTP user.
    case ssh
    /// A control-panel login.
    case panel
}

/// Validation and canonical forms of the names Wachter stores.
///
/// Every name that can reach a credential file (Dovecot passwd-file, shadow,
/// pure-ftpd, ProFTPD) is checked here, so that `:`, whitespace, control
/// characters and NUL never reach one.
public enum Names {
    /// The longest mailbox address (RFC 5321, section 4.5.3.1.3: a path of 256 octets including the brackets).
    public static let maximumAddressLength = 254
    /// The longest POSIX user name Debian's useradd(8) accepts.
    public static let maximumUserNameLength = 32
    /// The longest panel login.
    public static let maximumPanelLoginLength = 64
    /// The longest customer id.
    public static let maximumCustomerIDLength = 64

    /// Checks an account name for its kind and returns its canonical form.
    ///
    /// - Parameters:
    ///   - raw: The name as the operator typed it.
    ///   - kind: The account's kind.
    /// - Returns: The canonical name (for a mailbox: the domain lower-cased and
    ///   in punycode).
    /// - Throws: ``WachterError/Code/invalidName`` with a sentence saying what is wrong.
    public static func account(_ raw: String, kind: AccountKind) throws(WachterError) -> String {
        switch kind {
        case .mailbox: return try mailbox(raw)
        case .ftp, .ssh: return try posixUser(raw, what: "\(kind.rawValue.uppercased()) user name")
        case .panel: return try panelLogin(raw)
        }
    }

    /// Checks a mailbox address: a dot-atom local part (RFC 5322) and a domain.
    ///
    /// - Parameter raw: The address.
    /// - Returns: The address with its domain lower-cased and in punycode.
    /// - Throws: ``WachterError/Code/invalidName``.
    public static func mailbox(_ raw: String) throws(WachterError) -> String {
        try mailbox(raw, checkDomain: { part throws(WachterError) in try domain(part) })
    }

    /// Checks a name given to find an account that exists (on the command line, in a
    /// hook's input, in an agent request) and returns the name it is stored under.
    ///
    /// Every entry point that reads an account name from a stream goes through here, so
    /// that a NUL, a control character or white space, a `:`, an overlong or otherwise
    /// malformed name is refused with a sentence before anything is looked up, recorded
    /// or written to the audit trail. A name with an `@` is a mailbox address (or a panel
    /// login in that form), checked by ``mailbox(_:)`` except that a `/` in the local part
    /// is let through: earlier versions stored such names, and their owners must still
    /// be able to find and remove them. Other names follow ``posixUser(_:what:)``.
    ///
    /// - Parameter raw: The name as given.
    /// - Returns: The canonical name (for a mailbox: the domain lower-cased, in punycode).
    /// - Throws: ``WachterError/Code/invalidName`` with a sentence saying what is wrong.
    public static func lookup(_ raw: String) throws(WachterError) -> String {
        guard raw.utf8.contains(UInt8(ascii: "@")) else { return try posixUser(raw, what: "account name") }
        return try mailbox(raw, checkDomain: { part throws(WachterError) in try domain(part) }, allowingStoredSlash: true)
    }

    /// ``lookup(_:)`` for a name read as bytes from a stream, which must be UTF-8.
    ///
    /// - Parameter bytes: The name's bytes, without a line end.
    /// - Returns: The canonical name.
    /// - Throws: ``WachterError/Code/invalidName`` when the bytes are not UTF-8 or the name is malformed.
    public static func lookup(utf8 bytes: [UInt8]) throws(WachterError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw WachterError(.invalidName, "the account name is not UTF-8 text")
        }
        return try lookup(text)
    }

    /// ``mailbox(_:)`` with the domain checked by `checkDomain`, which may
    /// remember its answers: an export checks 100,000 names of a few domains.
    /// `allowingStoredSlash` lets a `/` in the local part through, for ``lookup(_:)``.
    static func mailbox(
        _ raw: String, checkDomain: (String) throws(WachterError) -> String, allowingStoredSlash: Bool = false
    ) throws(WachterError) -> String {
        let what = "mailbox address"
        try refuseForbiddenCharacters(raw, what: what)
        guard let at = raw.utf8.lastIndex(of: UInt8(ascii: "@")) else {
            throw invalid(what, raw, "has no @; a mailbox is named by its address, such as info@example.nl")
        }
        let local = String(raw[..<at])
        let domainPart = String(raw[raw.index(after: at)...])
        guard !local.isEmpty else { throw invalid(what, raw, "has nothing before the @") }
        guard local.utf8.count <= 64 else {
            throw invalid(what, raw, "has a local part of \(local.utf8.count) bytes; at most 64 are allowed (RFC 5321)")
        }
        // Dovecot's mail_location and home templates (%n, %u), and the exports' own,
        // put the name into paths: a separator would add a directory level.
        if let separator = local.unicodeScalars.first(where: { $0 == "\\" || ($0 == "/" && !allowingStoredSlash) }) {
            throw invalid(
                what, raw,
                "has '\(separator)' before the @, which would add a directory level to its home and maildir; mailbox names become paths there"
            )
        }
        if let bad = local.unicodeScalars.first(where: { !isAtext($0) && $0 != "." }) {
            throw invalid(what, raw, "has \(describe(bad)) before the @; use letters, digits and !#$%&'*+-=?^_`{|}~. only")
        }
        if local.hasPrefix(".") || local.hasSuffix(".")
            || zip(local.utf8, local.utf8.dropFirst()).contains(where: { $0 == 0x2E && $1 == 0x2E })
        {
            throw invalid(what, raw, "has a dot at the start or end of the local part, or two dots in a row")
        }
        let domainName = try checkDomain(domainPart)
        let address = local + "@" + domainName
        guard address.utf8.count <= maximumAddressLength else {
            throw invalid(what, raw, "is \(address.utf8.count) bytes long; at most \(maximumAddressLength) are allowed")
        }
        return address
    }

    /// The quick look an export takes at each stored mailbox name, `at` being its
    /// last `@`: whether the address is within the length limits and its local part
    /// a plain ASCII dot-atom, so that ``mailbox(_:)`` leaves it as it is when its
    /// domain is canonical. `false` means "look closer with mailbox(_:)", not "invalid".
    static func isPlainMailbox(_ address: String, at: String.Index) -> Bool {
        let local = address.utf8.distance(from: address.startIndex, to: at)
        guard local > 0, local <= 64, address.utf8.count <= maximumAddressLength else { return false }
        let span = address.utf8Span.span
        // A dot may not start or end the local part, nor follow another dot.
        var afterDot = true
        for index in 0..<local {
            let byte = span[index]
            if byte == UInt8(ascii: ".") {
                if afterDot { return false }
                afterDot = true
            } else {
                guard isAtext(byte), byte != UInt8(ascii: "/") else { return false }
                afterDot = false
            }
        }
        return !afterDot
    }

    /// Checks a domain name and returns it lower-cased, with internationalised labels in punycode.
    ///
    /// - Parameter raw: The domain, such as `Bakkerij.NL` or `bäckerei.de`.
    /// - Returns: The canonical domain, such as `bakkerij.nl` or `xn--bckerei-5wa.de`.
    /// - Throws: ``WachterError/Code/invalidName``.
    public static func domain(_ raw: String) throws(WachterError) -> String {
        let what = "domain"
        try refuseForbiddenCharacters(raw, what: what)
        // NFC leaves ASCII as it is; skipping Foundation's normalisation for it
        // keeps a 100,000-line export fast (docs/EXPORTS.md).
        var name = (raw.utf8.allSatisfy { $0 < 0x80 } ? raw : raw.precomposedStringWithCanonicalMapping).lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        guard !name.isEmpty else { throw invalid(what, raw, "is empty") }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else {
            throw invalid(what, raw, "has a single label; a hosted domain has at least two, such as example.nl")
        }
        var encoded: [String] = []
        for label in labels {
            guard !label.isEmpty else { throw invalid(what, raw, "has an empty label (two dots in a row)") }
            var ascii = String(label)
            if !label.unicodeScalars.allSatisfy(\.isASCII) {
                guard let punycode = Punycode.encode(Array(label.unicodeScalars)) else {
                    throw invalid(what, raw, "has a label that cannot be written in punycode")
                }
                ascii = "xn--" + punycode
            }
            if let bad = ascii.unicodeScalars.first(where: { !isLabelCharacter($0) }) {
                throw invalid(what, raw, "has \(describe(bad)); a domain label holds letters, digits and hyphens only")
            }
            guard !ascii.hasPrefix("-"), !ascii.hasSuffix("-") else {
                throw invalid(what, raw, "has a label that starts or ends with a hyphen")
            }
            guard ascii.utf8.count <= 63 else {
                throw invalid(what, raw, "has a label of \(ascii.utf8.count) characters; at most 63 are allowed")
            }
            encoded.append(ascii)
        }
        guard encoded.last!.contains(where: { !$0.isNumber }) else {
            throw invalid(what, raw, "ends in a numeric label; use a domain name, not an IP address")
        }
        let result = encoded.joined(separator: ".")
        guard result.utf8.count <= 253 else {
            throw invalid(what, raw, "is \(result.utf8.count) characters long; at most 253 are allowed")
        }
        return result
    }

    /// Checks a user name against POSIX's portable user-name rules (the portable
    /// filename character set, no leading hyphen) and the 32-character limit of useradd(8).
    ///
    /// - Parameters:
    ///   - raw: The user name.
    ///   - what: How to call the name in a message.
    /// - Returns: The name unchanged.
    /// - Throws: ``WachterError/Code/invalidName``.
    public static func posixUser(_ raw: String, what: String = "user name") throws(WachterError) -> String {
        try refuseForbiddenCharacters(raw, what: what)
        guard !raw.isEmpty else { throw invalid(what, raw, "is empty") }
        guard raw.utf8.count <= maximumUserNameLength else {
            throw invalid(what, raw, "is \(raw.utf8.count) characters long; at most \(maximumUserNameLength) are allowed")
        }
        if let bad = raw.unicodeScalars.first(where: { !isPortableFilenameCharacter($0) }) {
            throw invalid(
                what, raw, "has \(describe(bad)); use letters, digits, '.', '_' and '-' only (POSIX portable user names)")
        }
        guard !raw.hasPrefix("-") else { throw invalid(what, raw, "starts with a hyphen") }
        guard raw != ".", raw != ".." else { throw invalid(what, raw, "is a path component, not a name") }
        guard !raw.allSatisfy(\.isNumber) else {
            throw invalid(what, raw, "is all digits, which tools read as a numeric user id")
        }
        return raw
    }

    /// Checks a control-panel login: a user name or an address, at most 64 characters.
    ///
    /// - Parameter raw: The login.
    /// - Returns: The login; an address gets its domain in canonical form.
    /// - Throws: ``WachterError/Code/invalidName``.
    public static func panelLogin(_ raw: String) throws(WachterError) -> String {
        let what = "panel login"
        if raw.contains("@") {
            let address = try mailbox(raw)
            guard address.utf8.count <= maximumPanelLoginLength else {
                throw invalid(what, raw, "is longer than \(maximumPanelLoginLength) characters")
            }
            return address
        }
        return try posixUser(raw, what: what)
    }

    /// Checks a customer id: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit.
    ///
    /// - Parameter raw: The id.
    /// - Returns: The id unchanged.
    /// - Throws: ``WachterError/Code/invalidName``.
    public static func customerID(_ raw: String) throws(WachterError) -> String {
        let what = "customer id"
        try refuseForbiddenCharacters(raw, what: what)
        guard !raw.isEmpty else { throw invalid(what, raw, "is empty") }
        guard raw.utf8.count <= maximumCustomerIDLength else {
            throw invalid(what, raw, "is \(raw.utf8.count) characters long; at most \(maximumCustomerIDLength) are allowed")
        }
        if let bad = raw.unicodeScalars.first(where: { !(isLowerAlnum($0) || $0 == "." || $0 == "_" || $0 == "-") }) {
            throw invalid(what, raw, "has \(describe(bad)); use lower-case letters, digits, '.', '_' and '-' only")
        }
        guard let first = raw.unicodeScalars.first, isLowerAlnum(first) else {
            throw invalid(what, raw, "must start with a lower-case letter or a digit")
        }
        return raw
    }

    /// Checks free text such as a customer's name or company: no control characters, bounded length.
    ///
    /// - Parameters:
    ///   - raw: The text.
    ///   - what: How to call it in a message.
    ///   - maximumLength: The most characters allowed.
    /// - Returns: The text with surrounding white space removed.
    /// - Throws: ``WachterError/Code/invalidInput``.
    public static func text(_ raw: String, what: String, maximumLength: Int = 200) throws(WachterError) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if let bad = trimmed.unicodeScalars.first(where: isControl) {
            throw WachterError(.invalidInput, "the \(what) has \(describe(bad)); control characters are not allowed")
        }
        guard !trimmed.isEmpty else { throw WachterError(.invalidInput, "the \(what) is empty") }
        guard trimmed.count <= maximumLength else {
            throw WachterError(
                .invalidInput, "the \(what) is \(trimmed.count) characters long; at most \(maximumLength) are allowed")
        }
        return trimmed
    }

    // MARK: - Characters

    private static func refuseForbiddenCharacters(_ raw: String, what: String) throws(WachterError) {
        // A kilobyte is far beyond every limit; refuse before looking at each character.
        guard raw.utf8.count <= 1024 else { throw invalid(what, String(raw.prefix(40)) + "…", "is far too long") }
        // Printable ASCII other than ':' and space passes every check below; look
        // up Unicode properties only for the rest.
        if raw.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x3A }) { return }
        for scalar in raw.unicodeScalars {
            if scalar == "\0" { throw invalid(what, raw, "has a NUL byte") }
            if scalar == ":" {
                throw invalid(what, raw, "has a ':', which separates fields in passwd-style files")
            }
            if isControl(scalar) || scalar.properties.isWhitespace {
                throw invalid(what, raw, "has \(describe(scalar)); white space and control characters are not allowed")
            }
        }
    }

    private static func invalid(_ what: String, _ raw: String, _ problem: String) -> WachterError {
        WachterError(.invalidName, "the \(what) \(quote(raw)) \(problem)")
    }

    /// Quotes a name for a message, with control characters escaped so that the
    /// message itself stays on one line.
    static func quote(_ raw: String) -> String {
        var out = "'"
        for scalar in raw.unicodeScalars.prefix(80) {
            if isControl(scalar) || scalar == "'" || scalar == "\\" {
                out += scalar.escaped(asASCII: true)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        if raw.unicodeScalars.count > 80 { out += "…" }
        return out + "'"
    }

    static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        switch scalar {
        case "\n": return "a newline (\(code))"
        case "\r": return "a carriage return (\(code))"
        case "\t": return "a tab (\(code))"
        case " ": return "a space (\(code))"
        default:
            if isControl(scalar) { return "a control character (\(code))" }
            if scalar.properties.isWhitespace { return "white space (\(code))" }
            return "'\(scalar)' (\(code))"
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0) || scalar.properties.generalCategory == .format
            || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    private static func isLowerAlnum(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    private static func isAlnum(_ scalar: Unicode.Scalar) -> Bool {
        isLowerAlnum(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && isAtext(UInt8(scalar.value))
    }

    /// RFC 5322's atext, which is ASCII: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    private static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
        }
    }

    private static func isLabelCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isLowerAlnum(scalar) || scalar == "-"
    }

    private static func isPortableFilenameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isAlnum(scalar) || scalar == "." || scalar == "_" || scalar == "-"
    }
}
