/// A userdb field's template (`/var/vmail/%d/%n`), parsed once into literal bytes
/// and `%` placeholders, so that an export of many accounts expands it by copying
/// bytes rather than scanning the template text for each line.
struct FieldPattern: Sendable {
    enum Part: Sendable {
        /// Bytes copied as they are (`%%` already turned into `%`).
        case text([UInt8])
        /// `%u`, `%n`, `%d` or `%c`, by its letter.
        case placeholder(UInt8)
    }

    /// The template as configured, for messages.
    let source: String
    let parts: [Part]

    /// A value used as it is: `%` in it is not a placeholder (a ``UserFields`` value, already expanded).
    init(literal: String) {
        source = literal
        parts = literal.isEmpty ? [] : [.text(Array(literal.utf8))]
    }

    /// Parses a template.
    ///
    /// - Throws: ``WachterError/Code/invalidInput`` for a lone `%` at the end or a
    ///   placeholder other than `%u`, `%n`, `%d`, `%c` and `%%`.
    init(template: String) throws(WachterError) {
        source = template
        var parts: [Part] = []
        var text: [UInt8] = []
        // Byte by byte: '%' and the placeholder letters are ASCII, so every
        // other byte, UTF-8 sequences included, is copied as it is.
        var bytes = template.utf8.makeIterator()
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: "%") else {
                text.append(byte)
                continue
            }
            guard let key = bytes.next() else {
                throw WachterError(
                    .invalidInput, "the template \(Names.quote(template)) ends in a lone '%'; write %% for a percent sign")
            }
            switch key {
            case UInt8(ascii: "%"):
                text.append(key)
            case UInt8(ascii: "u"), UInt8(ascii: "n"), UInt8(ascii: "d"), UInt8(ascii: "c"):
                if !text.isEmpty { parts.append(.text(text)) }
                text = []
                parts.append(.placeholder(key))
            default:
                throw WachterError(
                    .invalidInput, "the template \(Names.quote(template)) has a '%' placeholder other than %u, %n, %d, %c or %%")
            }
        }
        if !text.isEmpty { parts.append(.text(text)) }
        self.parts = parts
    }

    /// Appends the expansion for one account to `out`.
    ///
    /// - Parameters:
    ///   - out: The line being written.
    ///   - values: The account's placeholder values.
    ///   - path: Whether the field is a path: a value with a `/` (a mailbox's local
    ///     part may hold one) would add a directory level, so it is refused.
    /// - Throws: ``WachterError/Code/invalidInput`` for a `/` in a path's value.
    func append(to out: inout [UInt8], values: Placeholders, path: Bool) throws(WachterError) {
        for part in parts {
            switch part {
            case .text(let bytes):
                out.append(contentsOf: bytes)
            case .placeholder(let key):
                let value = values.value(key)
                if path, value.utf8.contains(UInt8(ascii: "/")) {
                    throw WachterError(
                        .invalidInput,
                        "the account \(Names.quote(values.account)) has a '/' that would go into the path \(Names.quote(source))")
                }
                out.append(contentsOf: value.utf8)
            }
        }
    }

    /// The expansion for one account, as text.
    func expanded(_ values: Placeholders, path: Bool) throws(WachterError) -> String {
        var out: [UInt8] = []
        try append(to: &out, values: values, path: path)
        return String(decoding: out, as: UTF8.self)
    }
}

/// The values of `%u`, `%n`, `%d` and `%c` for one account.
struct Placeholders {
    /// `%u`: the account name.
    var account: String
    /// `%n`: the part before the last `@`, or the whole name.
    var local: Substring
    /// `%d`: the part after the last `@`, or nothing.
    var domain: Substring
    /// `%c`: the customer id.
    var customer: String

    init(account: String, customer: String) {
        self.account = account
        self.customer = customer
        if let at = account.utf8.lastIndex(of: UInt8(ascii: "@")) {
            local = account[..<at]
            domain = account[account.index(after: at)...]
        } else {
            local = account[...]
            domain = ""
        }
    }

    func value(_ key: UInt8) -> Substring {
        switch key {
        case UInt8(ascii: "u"): account[...]
        case UInt8(ascii: "n"): local
        case UInt8(ascii: "d"): domain
        default: customer[...]
        }
    }
}

/// The userdb fields of the accounts that share a template (one customer's, in one
/// domain), with the numeric ids already written out and the text fields parsed.
///
/// A class: each line of an export takes its plan, and a reference is one retain
/// where the struct would be one per field.
final class FieldPlan: Sendable {
    let uid: Int?
    let gid: Int?
    /// `uid` and `gid` in decimal, as they go into the line.
    let uidText: [UInt8]
    let gidText: [UInt8]
    let home: FieldPattern?
    let shell: FieldPattern?
    let mail: FieldPattern?
    let extra: [FieldPattern]

    init(uid: Int?, gid: Int?, home: FieldPattern?, shell: FieldPattern?, mail: FieldPattern?, extra: [FieldPattern]) {
        self.uid = uid
        self.gid = gid
        uidText = uid.map { Array(String($0).utf8) } ?? []
        gidText = gid.map { Array(String($0).utf8) } ?? []
        self.home = home
        self.shell = shell
        self.mail = mail
        self.extra = extra
    }

    /// The plan of fields that are expanded already: every value is taken as it is.
    convenience init(_ fields: UserFields) {
        self.init(
            uid: fields.uid, gid: fields.gid, home: fields.home.map(FieldPattern.init(literal:)),
            shell: fields.shell.map(FieldPattern.init(literal:)), mail: fields.mail.map(FieldPattern.init(literal:)),
            extra: fields.extra.map(FieldPattern.init(literal:)))
    }

    /// The plan of a template.
    ///
    /// - Throws: ``WachterError/Code/invalidInput`` for a placeholder it does not know.
    convenience init(_ template: ExportConfiguration.Template) throws(WachterError) {
        func pattern(_ text: String?) throws(WachterError) -> FieldPattern? {
            guard let text else { return nil }
            return try FieldPattern(template: text)
        }
        var extra: [FieldPattern] = []
        for field in template.extra ?? [] { extra.append(try FieldPattern(template: field)) }
        self.init(
            uid: template.uid, gid: template.gid, home: try pattern(template.home), shell: try pattern(template.shell),
            mail: try pattern(template.mail), extra: extra)
    }

    /// No fields at all (shadow lines have none).
    static let empty = FieldPlan(uid: nil, gid: nil, home: nil, shell: nil, mail: nil, extra: [])

    /// The fields expanded for one account.
    func fields(_ values: Placeholders) throws(WachterError) -> UserFields {
        var extra: [String] = []
        for field in self.extra { extra.append(try field.expanded(values, path: false)) }
        return UserFields(
            uid: uid, gid: gid, home: try home?.expanded(values, path: true), shell: try shell?.expanded(values, path: true),
            mail: try mail?.expanded(values, path: false), extra: extra)
    }
}

/// The plans of one export configuration, made the first time a customer and
/// domain need one and then reused: an export of 100,000 mailboxes merges and
/// parses each template once, not once per line.
struct FieldPlans {
    let configuration: ExportConfiguration
    /// The plan of every account when the configuration has only defaults.
    private var shared: FieldPlan?
    /// Plans by customer, then domain.
    private var byCustomer: [String: [Substring: FieldPlan]] = [:]

    init(_ configuration: ExportConfiguration) {
        self.configuration = configuration
    }

    /// The plan for an account of `customer` in `domain` (empty for a name without a domain).
    mutating func plan(customer: String, domain: Substring) throws(WachterError) -> FieldPlan {
        // Most configurations have only defaults: one plan for every account.
        if configuration.customers.isEmpty, configuration.domains.isEmpty {
            if let shared { return shared }
            let plan = try FieldPlan(configuration.defaults)
            shared = plan
            return plan
        }
        if let plan = byCustomer[customer]?[domain] { return plan }
        let plan = try FieldPlan(configuration.template(customer: customer, domain: domain))
        byCustomer[customer, default: [:]][domain] = plan
        return plan
    }
}
