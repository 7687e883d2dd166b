internal import Foundation
internal import TOMLKit

/// The export configuration (`/etc/wachter/exports.toml`): userdb templates for
/// the exported accounts, and the files that are rewritten after every change.
///
/// ```toml
/// [defaults]
/// uid = 5000
/// gid = 5000
/// home = "/var/vmail/%d/%n"
/// mail = "maildir:~/Maildir"
///
/// [domains."bakkerij.nl"]
/// extra = ["userdb_quota_rule=*:storage=2G"]
///
/// [customers."bakkerij-jansen"]
/// home = "/srv/ftp/bakkerij-jansen/./%u"
///
/// [[targets]]
/// format = "dovecot"
/// path = "/etc/dovecot/users"
/// group = "dovecot"
/// mode = "0640"
/// reload = ["doveadm", "auth", "cache", "flush"]
/// ```
public struct ExportConfiguration: Sendable, Equatable {
    /// Where the configuration is read when nothing else is said.
    public static let defaultPath = "/etc/wachter/exports.toml"

    /// The fields every account starts with.
    public var defaults: Template
    /// Fields for the accounts of one customer, by customer id; they override the defaults.
    public var customers: [String: Template]
    /// Fields for the mailboxes of one domain, by canonical domain; they override the customer's.
    public var domains: [String: Template]
    /// The files rewritten after every change.
    public var targets: [Target]

    /// An empty configuration: no templates and no targets.
    public init(
        defaults: Template = Template(), customers: [String: Template] = [:], domains: [String: Template] = [:],
        targets: [Target] = []
    ) {
        self.defaults = defaults
        self.customers = customers
        self.domains = domains
        self.targets = targets
    }

    /// Userdb fields, any of which may be left out; `home`, `shell`, `mail` and
    /// `extra` may use `%u` (the account name), `%n` (the part before the `@`),
    /// `%d` (the domain), `%c` (the customer id) and `%%`.
    public struct Template: Codable, Sendable, Equatable {
        /// The numeric user id.
        public var uid: Int?
        /// The numeric group id.
        public var gid: Int?
        /// The home directory.
        public var home: String?
        /// The login shell.
        public var shell: String?
        /// Dovecot's mail location.
        public var mail: String?
        /// Dovecot extra fields, `key=value`.
        public var extra: [String]?

        /// Creates a template.
        public init(
            uid: Int? = nil, gid: Int? = nil, home: String? = nil, shell: String? = nil, mail: String? = nil,
            extra: [String]? = nil
        ) {
            self.uid = uid
            self.gid = gid
            self.home = home
            self.shell = shell
            self.mail = mail
            self.extra = extra
        }

        /// This template with `other`'s fields laid over it.
        func overridden(by other: Template?) -> Template {
            guard let other else { return self }
            return Template(
                uid: other.uid ?? uid, gid: other.gid ?? gid, home: other.home ?? home, shell: other.shell ?? shell,
                mail: other.mail ?? mail, extra: other.extra ?? extra)
        }
    }

    /// One file that the configuration keeps up to date.
    public struct Target: Sendable, Equatable {
        /// The format.
        public var format: ExportFormat
        /// The file's absolute path.
        public var path: String
        /// The kind of accounts it holds.
        public var kind: AccountKind
        /// Only these customers' accounts, or all when nil.
        public var customers: [String]?
        /// Only mailboxes in these domains (in punycode, lower case), or all when nil; an
        /// account without a domain (FTP, SSH, panel) is left out when it is set.
        public var domains: [String]?
        /// The file's owner, a user name or number; nil keeps the owner of the existing file.
        public var owner: String?
        /// The file's group, a group name or number; nil keeps the group of the existing file.
        public var group: String?
        /// The file's mode; never readable or writable by others.
        public var mode: Int?
        /// A command run after the file was replaced, as an argument vector (no shell).
        public var reload: [String]?

        /// Creates a target.
        public init(
            format: ExportFormat, path: String, kind: AccountKind? = nil, customers: [String]? = nil,
            domains: [String]? = nil, owner: String? = nil, group: String? = nil, mode: Int? = nil, reload: [String]? = nil
        ) {
            self.domains = domains
            self.format = format
            self.path = path
            self.kind = kind ?? format.defaultKind
            self.customers = customers
            self.owner = owner
            self.group = group
            self.mode = mode
            self.reload = reload
        }
    }

    /// The template of the accounts of one customer in one domain: the defaults,
    /// then the customer's template, then the domain's.
    func template(customer: String, domain: Substring) -> Template {
        var template = defaults
        if !customers.isEmpty { template = template.overridden(by: customers[customer]) }
        if !domains.isEmpty, !domain.isEmpty { template = template.overridden(by: domains[String(domain)]) }
        return template
    }

    /// The userdb fields of an account: the defaults, then its customer's template, then its domain's.
    ///
    /// - Parameters:
    ///   - name: The account's canonical name.
    ///   - customerID: Its customer.
    /// - Returns: The fields with every `%` placeholder expanded.
    /// - Throws: ``WachterError/Code/invalidInput`` for an unknown placeholder, or a
    ///   name part with a `/` expanded into a path.
    public func fields(name: String, customerID: String) throws(WachterError) -> UserFields {
        let values = Placeholders(account: name, customer: customerID)
        return try FieldPlan(template(customer: customerID, domain: values.domain)).fields(values)
    }

    /// The configured target for `path`, if there is one.
    ///
    /// - Parameter path: A file path as given on the command line.
    /// - Returns: The target whose path is the same file name.
    public func target(forPath path: String) -> Target? {
        let wanted = URL(fileURLWithPath: path).standardizedFileURL.path
        return targets.first { URL(fileURLWithPath: $0.path).standardizedFileURL.path == wanted }
    }
}

// MARK: - Reading the file

extension ExportConfiguration {
    /// Reads and checks a configuration file.
    ///
    /// - Parameter path: The TOML file.
    /// - Returns: The configuration.
    /// - Throws: ``WachterError/Code/notFound`` when the file is missing;
    ///   ``WachterError/Code/invalidInput`` with the line for a TOML error, an
    ///   unknown key, or a value that breaks a rule (such as a world-readable mode).
    public static func load(path: String) throws(WachterError) -> ExportConfiguration {
        try parse(FileAccess.readText(path, what: "export configuration"), source: path)
    }

    /// Parses and checks a configuration.
    ///
    /// - Parameters:
    ///   - text: The TOML text.
    ///   - source: Where it came from, for messages.
    /// - Returns: The configuration.
    /// - Throws: ``WachterError/Code/invalidInput``.
    public static func parse(_ text: String, source: String = "the export configuration") throws(WachterError)
        -> ExportConfiguration
    {
        let file: File
        do {
            file = try TOMLDecoder(strictDecoding: true).decode(File.self, from: text)
        } catch let error as TOMLParseError {
            throw WachterError(
                .invalidInput, "\(source) is not valid TOML: \(error.description) at line \(error.source.begin.line)")
        } catch let error as UnexpectedKeysError {
            let keys = error.keys.map { key, path in (path.map(\.stringValue) + [key]).joined(separator: ".") }.sorted()
            throw WachterError(.invalidInput, "\(source) has unknown keys: \(keys.joined(separator: ", "))")
        } catch let error as DecodingError {
            throw WachterError(.invalidInput, "\(source) has a wrong value: \(Self.describe(error))")
        } catch let error as WachterError {
            throw error
        } catch {
            throw WachterError(.invalidInput, "\(source) cannot be read", cause: "\(type(of: error))")
        }
        var configuration = ExportConfiguration(
            defaults: file.defaults ?? Template(), customers: file.customers ?? [:], domains: [:], targets: [])
        for (raw, template) in file.domains ?? [:] {
            configuration.domains[try Names.domain(raw)] = template
        }
        for template in [configuration.defaults] + Array(configuration.customers.values) + Array(configuration.domains.values) {
            for id in [template.uid, template.gid].compactMap({ $0 }) where id < 0 || id > 4_294_967_294 {
                throw WachterError(.invalidInput, "\(source): \(id) is not a valid uid or gid")
            }
        }
        var seen = Set<String>()
        for (index, raw) in (file.targets ?? []).enumerated() {
            let what = "\(source): target \(index + 1)"
            guard let format = ExportFormat(rawValue: raw.format) else {
                throw WachterError(
                    .invalidInput,
                    "\(what) has format '\(raw.format)'; use one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            guard raw.path.hasPrefix("/") else { throw WachterError(.invalidInput, "\(what) needs an absolute path") }
            guard seen.insert(raw.path).inserted else {
                throw WachterError(.invalidInput, "\(what) repeats the path \(raw.path)")
            }
            var kind: AccountKind?
            if let name = raw.kind {
                guard let parsed = AccountKind(rawValue: name) else {
                    throw WachterError(.invalidInput, "\(what) has kind '\(name)'; use mailbox, ftp, ssh or panel")
                }
                kind = parsed
            }
            var mode: Int?
            if let text = raw.mode {
                guard let parsed = Int(text, radix: 8), parsed >= 0, parsed <= 0o7777 else {
                    throw WachterError(.invalidInput, "\(what) has mode '\(text)'; write it in octal, such as \"0640\"")
                }
                guard parsed & 0o007 == 0 else {
                    throw WachterError(
                        .invalidInput,
                        "\(what) has mode \(text), which other users can use; credential files are never world-readable")
                }
                mode = parsed
            }
            if let reload = raw.reload, reload.first.map({ !$0.hasPrefix("/") && $0.contains("/") }) ?? true {
                throw WachterError(.invalidInput, "\(what) has a reload command that is empty or a relative path")
            }
            var domains: [String]?
            if let listed = raw.domains {
                domains = []
                for domain in listed {
                    do {
                        domains?.append(try Names.domain(domain))
                    } catch {
                        throw WachterError(.invalidInput, "\(what) lists domain '\(domain)': \(error.message)")
                    }
                }
            }
            configuration.targets.append(
                Target(
                    format: format, path: raw.path, kind: kind, customers: raw.customers, domains: domains, owner: raw.owner,
                    group: raw.group, mode: mode, reload: raw.reload))
        }
        return configuration
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return "\(path.isEmpty ? "" : path + ": ")\(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private struct File: Decodable {
        var defaults: Template?
        var customers: [String: Template]?
        var domains: [String: Template]?
        var targets: [RawTarget]?
    }

    private struct RawTarget: Decodable {
        var format: String
        var path: String
        var kind: String?
        var customers: [String]?
        var domains: [String]?
        var owner: String?
        var group: String?
        var mode: String?
        var reload: [String]?
    }
}
