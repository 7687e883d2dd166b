/// A credential file format that a server reads, and Wachter writes and imports.
public enum ExportFormat: String, CaseIterable, Codable, Sendable {
    /// Dovecot's passwd-file passdb and userdb (doc.dovecot.org, "Passwd-file"):
    /// `user:{SCHEME}hash:uid:gid:gecos:home:shell:extra_fields`.
    case dovecot
    /// The text file that `pure-pw mkdb` turns into pure-ftpd's PureDB (pure-pw(8)):
    /// `user:hash:uid:gid:gecos:home` and twelve more fields for limits.
    case pureFTPd = "pure-ftpd"
    /// ProFTPD's `AuthUserFile` (mod_auth_file, as `ftpasswd` writes it):
    /// `user:hash:uid:gid:gecos:home:shell`.
    case proftpd
    /// `user:hash` lines, as `chpasswd -e` reads them (chpasswd(8)).
    case shadow

    /// The kind of account a format holds when no `--kind` says otherwise.
    public var defaultKind: AccountKind {
        switch self {
        case .dovecot: .mailbox
        case .pureFTPd, .proftpd: .ftp
        case .shadow: .ssh
        }
    }
}

/// The userdb fields of one exported account: numeric ids, home, shell, mail location and extra fields.
///
/// They come from the export configuration's templates (``ExportConfiguration``),
/// never from the store.
public struct UserFields: Sendable, Equatable {
    /// The numeric user id, if the format's line has one.
    public var uid: Int?
    /// The numeric group id.
    public var gid: Int?
    /// The home directory, an absolute path.
    public var home: String?
    /// The login shell (ProFTPD).
    public var shell: String?
    /// Dovecot's mail location, written as the `userdb_mail` extra field.
    public var mail: String?
    /// Further Dovecot extra fields, each `key=value`.
    public var extra: [String]

    /// Creates the fields.
    ///
    /// - Parameters:
    ///   - uid: The numeric user id.
    ///   - gid: The numeric group id.
    ///   - home: The home directory.
    ///   - shell: The login shell.
    ///   - mail: Dovecot's mail location.
    ///   - extra: Further Dovecot extra fields, `key=value`.
    public init(
        uid: Int? = nil, gid: Int? = nil, home: String? = nil, shell: String? = nil, mail: String? = nil, extra: [String] = []
    ) {
        self.uid = uid
        self.gid = gid
        self.home = home
        self.shell = shell
        self.mail = mail
        self.extra = extra
    }
}

/// One account as an export line needs it.
public struct ExportEntry: Sendable, Equatable {
    /// The account's name as stored.
    public var name: String
    /// The account's kind.
    public var kind: AccountKind
    /// The stored crypt(3) hash.
    public var hash: String
    /// Whether the operator locked the account; its line then gets a hash that cannot match.
    public var locked: Bool
    /// The userdb fields.
    public var fields: UserFields

    /// Creates an entry.
    ///
    /// - Parameters:
    ///   - name: The account's name.
    ///   - kind: The account's kind.
    ///   - hash: The stored hash.
    ///   - locked: Whether the account is locked.
    ///   - fields: The userdb fields.
    public init(name: String, kind: AccountKind, hash: String, locked: Bool, fields: UserFields = UserFields()) {
        self.name = name
        self.kind = kind
        self.hash = hash
        self.locked = locked
        self.fields = fields
    }
}

/// Writes single lines of each format, after checking every field once more.
///
/// The store validates names when they are added, but a store can be edited
/// behind Wachter's back; so each line is checked here again, and a field that
/// could break the line (a `:`, white space, a control character, NUL) makes the
/// whole export fail instead of reaching the file.
public enum ExportLine {
    /// The prefix that makes a hash unusable in every format: crypt(3) fails on it,
    /// so no password matches (the convention of `passwd -l` and `usermod -L`).
    public static let lockPrefix = "!"

    /// Dovecot's password scheme for a crypt(3) hash (`doveadm pw -l` lists them).
    ///
    /// MD5-CRYPT, SHA256-CRYPT, SHA512-CRYPT and BLF-CRYPT name their method;
    /// every other method goes to `{CRYPT}`, which is the system's crypt(3) and
    /// so libxcrypt (yescrypt, scrypt, DES and the rest).
    ///
    /// - Parameter method: The hash's method.
    /// - Returns: The scheme, without braces.
    public static func dovecotScheme(for method: HashMethod) -> String {
        switch method {
        case .md5crypt: "MD5-CRYPT"
        case .sha256crypt: "SHA256-CRYPT"
        case .sha512crypt: "SHA512-CRYPT"
        case .bcrypt: "BLF-CRYPT"
        default: "CRYPT"
        }
    }

    /// One line of `format` for `entry`, without the newline.
    ///
    /// - Parameters:
    ///   - format: The file format.
    ///   - entry: The account and its fields.
    /// - Returns: The line.
    /// - Throws: ``WachterError/Code/invalidName`` or ``WachterError/Code/invalidInput``
    ///   when a field would break the line; the message names the account but
    ///   never shows the hash.
    public static func line(_ format: ExportFormat, _ entry: ExportEntry) throws(WachterError) -> String {
        var names = NameCheck()
        var out: [UInt8] = []
        let record = ExportRecord(name: entry.name, customerID: "", hash: entry.hash, locked: entry.locked)
        try append(
            format, record, kind: entry.kind, plan: FieldPlan(entry.fields),
            values: Placeholders(account: entry.name, customer: ""), to: &out, names: &names)
        return String(decoding: out, as: UTF8.self)
    }

    /// What the name checks of one export remember: the domains already found
    /// canonical, so that an export of many mailboxes checks each domain once.
    struct NameCheck {
        /// The domain of the last mailbox that passed.
        var lastDomain: Substring = ""
        /// Domains checked before, raw to canonical.
        var domains: [String: String] = [:]
    }

    /// Appends one line of `format` for `record`, without the newline, to `out`,
    /// with the userdb fields of `plan` expanded with `values`; on a refusal `out`
    /// may hold part of the line, and the caller writes nothing.
    ///
    /// Every field is checked as it is written: the name (canonical for its kind),
    /// the hash (crypt(3)'s alphabet), paths (absolute, no `..`, no separator) and
    /// Dovecot's extra fields (no white space or control character).
    static func append(
        _ format: ExportFormat, _ record: ExportRecord, kind: AccountKind, plan: FieldPlan, values: Placeholders,
        to out: inout [UInt8], names: inout NameCheck
    ) throws(WachterError) {
        let name = record.name
        try checkName(name, domain: values.domain, kind: kind, names: &names)
        let method = try checkedHash(record)
        func add(_ text: String) { out.append(contentsOf: text.utf8) }
        func colon() { out.append(UInt8(ascii: ":")) }
        func addHash() {
            if record.locked { add(lockPrefix) }
            add(record.hash)
        }
        // Writes a path field and checks what was written; returns whether it is empty.
        func addPath(_ pattern: FieldPattern?, what: String) throws(WachterError) -> Bool {
            let start = out.count
            try pattern?.append(to: &out, values: values, path: true)
            try checkPath(out, from: start, what: what, of: name)
            return out.count == start
        }
        // name:hash:uid:gid::home, the passwd fields that Dovecot, pure-ftpd and ProFTPD share.
        func addPasswdFields(scheme: String?) throws(WachterError) -> Bool {
            add(name)
            colon()
            if let scheme {
                add("{")
                add(scheme)
                add("}")
            }
            addHash()
            colon()
            out.append(contentsOf: plan.uidText)
            colon()
            out.append(contentsOf: plan.gidText)
            add("::")
            return try addPath(plan.home, what: "home")
        }
        switch format {
        case .dovecot:
            // A locked hash starts with '!', which no specific scheme parses;
            // {CRYPT} hands it to crypt(3), which fails, so nothing matches.
            _ = try addPasswdFields(scheme: record.locked ? "CRYPT" : dovecotScheme(for: method))
            add("::")
            // passwd-file joins everything after the seventh ':' back into the
            // extra fields, so a ':' in them (maildir:~/Maildir) is safe.
            var separator = false
            if let mail = plan.mail {
                add("userdb_mail=")
                let start = out.count
                try mail.append(to: &out, values: values, path: false)
                try checkExtra(out, from: start, what: "mail location", of: name)
                separator = true
            }
            for field in plan.extra {
                if separator { out.append(UInt8(ascii: " ")) }
                let start = out.count
                try field.append(to: &out, values: values, path: false)
                try checkExtra(out, from: start, what: "extra field", of: name)
                separator = true
            }
        case .pureFTPd:
            let noHome = try addPasswdFields(scheme: nil)
            guard let uid = plan.uid, let gid = plan.gid, uid > 0, gid > 0, !noHome else {
                throw WachterError(
                    .invalidInput,
                    "pure-ftpd needs a non-root uid, a gid and a home for \(Names.quote(name)); set them in the export configuration"
                )
            }
            // user:pass:uid:gid:gecos:home, then upload and download bandwidth and
            // ratios, connections, files and size quotas, four IP lists and the
            // time restriction: 18 fields, as pure-pw writes them.
            add("::::::::::::")
        case .proftpd:
            let noHome = try addPasswdFields(scheme: nil)
            guard plan.uid != nil, plan.gid != nil, !noHome else {
                throw WachterError(
                    .invalidInput,
                    "ProFTPD needs a uid, a gid and a home for \(Names.quote(name)); set them in the export configuration")
            }
            colon()
            _ = try addPath(plan.shell, what: "shell")
        case .shadow:
            add(name)
            colon()
            addHash()
        }
    }

    /// Whether a byte may appear in a crypt(3) hash string in an export:
    /// crypt's base-64 alphabet, `$`, and the `=`, `,`, `_` and `-` of settings such as `rounds=5000`.
    ///
    /// A switch rather than a table: a static table costs a `swift_once` check per byte
    /// in the export's hottest loop.
    static func isHashByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: ","), UInt8(ascii: "_"),
            UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// Checks that a stored name is canonical for its kind; `domain` is the part after its last `@`.
    private static func checkName(_ name: String, domain: Substring, kind: AccountKind, names: inout NameCheck)
        throws(WachterError)
    {
        // The quick look: a plain ASCII address in a domain found canonical before.
        if kind == .mailbox, !domain.isEmpty, Names.isPlainMailbox(name, at: name.utf8.index(before: domain.startIndex)) {
            if !names.lastDomain.isEmpty, domain == names.lastDomain { return }
            if let canonical = try? canonicalDomain(String(domain), names: &names), canonical == domain {
                names.lastDomain = domain
                return
            }
        }
        let canonical: String
        do {
            if kind == .mailbox {
                canonical = try Names.mailbox(name) { part throws(WachterError) in
                    try canonicalDomain(part, names: &names)
                }
            } else {
                canonical = try Names.account(name, kind: kind)
            }
        } catch {
            // An earlier version accepted a '/' in a mailbox's local part; its owner can
            // still find the account (Names.lookup) and remove it.
            throw WachterError(
                .invalidName,
                "the store holds an account name that cannot be exported: \(error.message); nothing was written",
                cause:
                    "stored by an earlier version or edited outside wachter; `wachter account remove` removes it, and `wachter account add` adds it under a new name"
            )
        }
        guard canonical == name else {
            throw WachterError(
                .invalidName,
                "the store holds the account \(Names.quote(name)) in a non-canonical form; nothing was written",
                cause: "was the store edited outside wachter?")
        }
    }

    private static func canonicalDomain(_ raw: String, names: inout NameCheck) throws(WachterError) -> String {
        if let known = names.domains[raw] { return known }
        let checked = try Names.domain(raw)
        names.domains[raw] = checked
        return checked
    }

    private static func checkedHash(_ entry: ExportRecord) throws(WachterError) -> HashMethod {
        guard !entry.hash.isEmpty, allBytes(of: entry.hash, satisfy: isHashByte), let method = HashMethod.identify(entry.hash)
        else {
            throw WachterError(
                .invalidInput,
                "the stored hash of \(Names.quote(entry.name)) is not a crypt(3) hash that can be exported; nothing was written",
                cause: "was the store edited outside wachter?")
        }
        return method
    }

    /// Checks a path field just written to `out[start...]`: empty, or absolute
    /// without a `..` component, a `:`, white space or a control character.
    private static func checkPath(_ out: [UInt8], from start: Int, what: String, of name: String) throws(WachterError) {
        guard start < out.count else { return }
        if out[start] == UInt8(ascii: "/"), isPlainPath(out, from: start) { return }
        // Not plain ASCII, or something is wrong: look closer, and say what.
        let value = String(decoding: out[start...], as: UTF8.self)
        guard value.hasPrefix("/") else {
            throw WachterError(
                .invalidInput, "the \(what) of \(Names.quote(name)) is \(Names.quote(value)); it must be an absolute path")
        }
        if hasParentSegment(value.utf8) {
            throw WachterError(
                .invalidInput, "the \(what) of \(Names.quote(name)) is \(Names.quote(value)); it must not contain '..'")
        }
        try refuseSeparators(value, allowColon: false, what: what, of: name)
    }

    /// Whether `out[start...]` is printable ASCII without `:` and has no `..` component.
    private static func isPlainPath(_ out: [UInt8], from start: Int) -> Bool {
        let span = out.span
        for index in start..<span.count {
            let byte = span[index]
            guard byte > 0x20, byte < 0x7F, byte != UInt8(ascii: ":") else { return false }
        }
        return !hasParentSegment(out[start...])
    }

    /// Whether every UTF-8 byte of `text` passes `test`, read through a span of the
    /// string's contiguous storage (a native string's bytes, without an iterator).
    static func allBytes(of text: String, satisfy test: (UInt8) -> Bool) -> Bool {
        let span = text.utf8Span.span
        for index in span.indices where !test(span[index]) { return false }
        return true
    }

    /// Whether a path has a `..` component.
    static func hasParentSegment(_ path: some Sequence<UInt8>) -> Bool {
        var length = 0
        var dots = 0
        for byte in path {
            if byte == UInt8(ascii: "/") {
                if length == 2 && dots == 2 { return true }
                length = 0
                dots = 0
            } else {
                length += 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return length == 2 && dots == 2
    }

    /// Checks a Dovecot extra field just written to `out[start...]`: not empty, no white space or control character.
    private static func checkExtra(_ out: [UInt8], from start: Int, what: String, of name: String) throws(WachterError) {
        guard start < out.count else { throw WachterError(.invalidInput, "an empty \(what) for \(Names.quote(name))") }
        let span = out.span
        for index in start..<span.count where !(span[index] > 0x20 && span[index] < 0x7F) {
            // Not printable ASCII: look closer, and say what.
            return try refuseSeparators(String(decoding: out[start...], as: UTF8.self), allowColon: true, what: what, of: name)
        }
    }

    private static func refuseSeparators(_ value: String, allowColon: Bool, what: String, of name: String) throws(WachterError) {
        // Printable ASCII (and ':' where allowed) is safe; Unicode properties only for the rest.
        if allBytes(of: value, satisfy: { $0 > 0x20 && $0 < 0x7F && (allowColon || $0 != 0x3A) }) { return }
        for scalar in value.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.isWhitespace || (!allowColon && scalar == ":") {
                throw WachterError(
                    .invalidInput,
                    "the \(what) of \(Names.quote(name)), \(Names.quote(value)), has \(Names.describe(scalar)), which would break the line"
                )
            }
        }
    }
}
