internal import Foundation
internal import TOMLKit

/// One problem found in a policy file, with where it is.
public struct PolicyDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// The file, or `built-in`.
    public var file: String
    /// The 1-based line, or 0 when the problem has no single line.
    public var line: Int
    /// The key's full dotted name, such as `mailbox.strength.min_length`.
    public var key: String
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates a diagnostic.
    ///
    /// - Parameters:
    ///   - file: The file.
    ///   - line: The line.
    ///   - key: The dotted key.
    ///   - message: What is wrong.
    public init(file: String, line: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// `file:line: key: message`, the form editors and CI logs link to.
    public var description: String { "\(file):\(line): \(key): \(message)" }
}

/// Reads, checks and finds policy files.
public enum PolicyFile {
    /// Where Wachter looks after `--policy` and `WACHTER_POLICY`.
    public static let systemPath = "/etc/wachter/policy.toml"
    /// The environment variable that names a policy file.
    public static let environmentVariable = "WACHTER_POLICY"

    /// Where a policy comes from.
    public enum Location: Sendable, Equatable {
        /// A file on disk.
        case file(String)
        /// The copy of `policies/default.toml` built into the binary.
        case builtIn
    }

    /// Finds the policy to use: the explicit path, then `WACHTER_POLICY`, then
    /// ``systemPath`` when it exists, then the built-in default.
    ///
    /// - Parameters:
    ///   - explicit: The `--policy` option's value, if given.
    ///   - environment: The process environment; the real one when nil.
    ///   - fileExists: Tells whether a file exists; the real file system when nil.
    /// - Returns: Where to read the policy from.
    public static func locate(
        explicit: String?, environment: [String: String]? = nil, fileExists: ((String) -> Bool)? = nil
    ) -> Location {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let exists = fileExists ?? { FileManager.default.fileExists(atPath: $0) }
        if let explicit, !explicit.isEmpty { return .file(explicit) }
        if let path = environment[environmentVariable], !path.isEmpty { return .file(path) }
        if exists(systemPath) { return .file(systemPath) }
        return .builtIn
    }

    /// Loads the policy from a location.
    ///
    /// - Parameter location: Where to read it.
    /// - Returns: The policy.
    /// - Throws: ``WachterError/Code/notFound`` when the file cannot be read;
    ///   ``WachterError/Code/invalidInput`` listing every problem when it does not lint clean.
    public static func load(_ location: Location) throws(WachterError) -> WachterPolicy {
        let (text, name) = try read(location)
        let result = parse(text, file: name)
        guard result.diagnostics.isEmpty, let policy = result.policy else {
            throw WachterError(
                .invalidInput,
                "the policy \(name) has errors; run `wachter policy lint \(name)`",
                cause: result.diagnostics.map(\.description).joined(separator: "; "))
        }
        return policy
    }

    /// Reads a policy file's text.
    ///
    /// - Parameter location: Where to read it.
    /// - Returns: The text and the name to show in diagnostics.
    /// - Throws: ``WachterError/Code/notFound`` when the file does not exist, and
    ///   ``WachterError/Code/inputFailure`` when it cannot be read, with the path and
    ///   the system's reason (``FileAccess``).
    public static func read(_ location: Location) throws(WachterError) -> (text: String, name: String) {
        switch location {
        case .builtIn:
            return (builtInDefaultText, "built-in")
        case .file(let path):
            return (try FileAccess.readText(path, what: "policy file"), path)
        }
    }

    /// Parses and checks a policy file's text, collecting every problem.
    ///
    /// - Parameters:
    ///   - text: The TOML text.
    ///   - file: The name shown in diagnostics; relative paths in the policy are
    ///     resolved against its directory unless it is `built-in`.
    /// - Returns: The policy, when the text is valid TOML, and every problem found.
    public static func parse(_ text: String, file: String) -> (policy: WachterPolicy?, diagnostics: [PolicyDiagnostic]) {
        var linter = PolicyLinter(text: text, file: file)
        return linter.run()
    }
}

/// Walks a parsed policy, applying known keys and reporting everything else.
struct PolicyLinter {
    let text: String
    let file: String
    private var diagnostics: [PolicyDiagnostic] = []
    private var lines: [String: Int] = [:]

    init(text: String, file: String) {
        self.text = text
        self.file = file
        self.lines = Self.keyLines(text)
    }

    /// Finds the line of every `[section]` header and `key =` line, since the TOML
    /// parser does not keep positions. Keys are recorded with their full dotted
    /// path; a header is recorded under its own path.
    static func keyLines(_ text: String) -> [String: Int] {
        var result: [String: Int] = [:]
        var section: [String] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else { continue }
                let inner = line[line.index(after: line.startIndex)..<close]
                    .trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                section = splitKey(inner)
                for length in 1...max(1, section.count) {
                    let path = section.prefix(length).joined(separator: ".")
                    if result[path] == nil { result[path] = index + 1 }
                }
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = splitKey(String(line[..<equals]))
            let path = (section + key).joined(separator: ".")
            if result[path] == nil { result[path] = index + 1 }
        }
        return result
    }

    private static func splitKey(_ key: String) -> [String] {
        key.split(separator: ".").map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'"))
        }
    }

    private func line(_ path: [String]) -> Int {
        var path = path
        while !path.isEmpty {
            if let line = lines[path.joined(separator: ".")] { return line }
            path.removeLast()
        }
        return 0
    }

    private mutating func report(_ path: [String], _ message: String) {
        diagnostics.append(
            PolicyDiagnostic(file: file, line: line(path), key: path.joined(separator: "."), message: message))
    }

    mutating func run() -> (policy: WachterPolicy?, diagnostics: [PolicyDiagnostic]) {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            diagnostics.append(
                PolicyDiagnostic(
                    file: file, line: error.source.begin.line, key: "", message: "not valid TOML: \(error.description)"))
            return (nil, diagnostics)
        } catch {
            diagnostics.append(PolicyDiagnostic(file: file, line: 0, key: "", message: "not valid TOML"))
            return (nil, diagnostics)
        }
        let directory = file == "built-in" ? nil : URL(fileURLWithPath: file).deletingLastPathComponent().path
        var policy = WachterPolicy(source: file, baseDirectory: directory)
        let topLevel = ["defaults"] + WachterPolicy.accountKinds + ["retention", "tls"]
        for key in table.keys where !topLevel.contains(key) {
            report([key], "unknown section\(Self.suggestion(key, topLevel))")
        }
        var defaults = AccountPolicy()
        var overrides: [String: Set<String>] = [:]
        if let section = sectionTable(table, ["defaults"]) {
            var set: Set<String> = []
            apply(section, path: ["defaults"], to: &defaults, setKeys: &set)
        }
        policy.defaults = defaults
        for kind in WachterPolicy.accountKinds {
            var settings = defaults
            var set: Set<String> = []
            if let section = sectionTable(table, [kind]) {
                apply(section, path: [kind], to: &settings, setKeys: &set)
            }
            policy.kinds[kind] = settings
            overrides[kind] = set
        }
        if let section = sectionTable(table, ["retention"]) {
            applyGlobal(section, path: ["retention"], specs: Self.retentionSpecs, to: &policy)
        }
        if let section = sectionTable(table, ["tls"]) {
            applyGlobal(section, path: ["tls"], specs: Self.tlsSpecs, to: &policy)
        }
        checkConsistency(policy.defaults, section: "defaults", only: nil)
        for kind in WachterPolicy.accountKinds where !(overrides[kind] ?? []).isEmpty {
            checkConsistency(policy.settings(forKind: kind), section: kind, only: overrides[kind])
        }
        return (policy, diagnostics)
    }

    private mutating func sectionTable(_ table: TOMLTable, _ path: [String]) -> TOMLTable? {
        guard let value = table[path[0]] else { return nil }
        guard let section = value.table else {
            report(path, "must be a table such as [\(path[0])...], not a \(value.type)")
            return nil
        }
        return section
    }

    // MARK: - Keys

    enum ValueType: Sendable { case integer, number, boolean, string, strings }

    struct Spec<Target>: Sendable {
        var key: String
        var type: ValueType
        var apply: @Sendable (inout Target, any TOMLValueConvertible) -> String?
    }

    static func int<T>(_ key: String, _ path: any WritableKeyPath<T, Int> & Sendable, _ range: ClosedRange<Int>) -> Spec<T> {
        Spec(key: key, type: .integer) { target, value in
            let number = value.int!
            guard range.contains(number) else {
                return "must be between \(range.lowerBound) and \(range.upperBound), not \(number)"
            }
            target[keyPath: path] = number
            return nil
        }
    }

    static func bool<T>(_ key: String, _ path: any WritableKeyPath<T, Bool> & Sendable) -> Spec<T> {
        Spec(key: key, type: .boolean) { target, value in
            target[keyPath: path] = value.bool!
            return nil
        }
    }

    static let sectionSpecs: [(name: String, specs: [Spec<AccountPolicy>])] = [
        (
            "strength",
            [
                int("min_length", \.strength.minLength, 1...1024),
                int("max_length", \.strength.maxLength, 64...1024),
                Spec(key: "min_guesses_log10", type: .number) { target, value in
                    let number = value.double ?? Double(value.int!)
                    guard (0...30).contains(number) else { return "must be between 0 and 30, not \(number)" }
                    target.strength.minGuessesLog10 = number
                    return nil
                },
                bool("builtin_blocklist", \.strength.builtinBlocklist),
                Spec(key: "blocklist_files", type: .strings) { target, value in
                    let files = value.array!.compactMap(\.string)
                    if files.contains(where: \.isEmpty) { return "must not contain an empty file name" }
                    target.strength.blocklistFiles = files
                    return nil
                },
                bool("context_words", \.strength.contextWords),
                Spec(key: "language", type: .string) { target, value in
                    guard let language = PolicyLanguage(rawValue: value.string!) else {
                        return "must be \"en\" or \"nl\", not \"\(value.string!)\""
                    }
                    target.strength.language = language
                    return nil
                },
                Spec(key: "breached_file", type: .string) { target, value in
                    target.strength.breachedFile = value.string!
                    return nil
                },
                int("breached_min_count", \.strength.breachedMinCount, 1...Int.max),
            ]
        ),
        (
            "hashing",
            [
                Spec(key: "method", type: .string) { target, value in
                    let names = HashMethod.configurable.map(\.rawValue)
                    guard let method = HashMethod(rawValue: value.string!), HashMethod.configurable.contains(method)
                    else {
                        return "must be one of \(names.map { "\"\($0)\"" }.joined(separator: ", ")), not \"\(value.string!)\""
                    }
                    target.hashing.method = method
                    return nil
                },
                int("cost", \.hashing.cost, 0...999_999_999),
            ]
        ),
        (
            "rotation",
            [
                int("max_age_days", \.rotation.maxAgeDays, 0...36500),
                int("warn_days", \.rotation.warnDays, 0...36500),
                bool("change_after_reset", \.rotation.changeAfterReset),
            ]
        ),
        (
            "reuse",
            [
                int("history", \.reuse.history, 0...100), bool("across_accounts", \.reuse.acrossAccounts),
                int("across_accounts_limit", \.reuse.acrossAccountsLimit, 0...100),
            ]
        ),
        (
            "lockout",
            [
                int("failures", \.lockout.failures, 1...LockoutSettings.hardCap),
                int("window_minutes", \.lockout.windowMinutes, 1...525_600),
                int("duration_minutes", \.lockout.durationMinutes, 1...525_600),
                int("source_failures", \.lockout.sourceFailures, 1...1_000_000),
                int("source_window_minutes", \.lockout.sourceWindowMinutes, 1...525_600),
                int("source_duration_minutes", \.lockout.sourceDurationMinutes, 1...525_600),
                int("max_consecutive_failures", \.lockout.maxConsecutiveFailures, 1...LockoutSettings.hardCap),
            ]
        ),
    ]

    static let retentionSpecs: [Spec<WachterPolicy>] = [
        int("login_events_days", \.retention.loginEventsDays, 1...36500),
        int("login_source_days", \.retention.loginSourceDays, 1...36500),
        int("site_checks_days", \.retention.siteChecksDays, 1...36500),
        int("audit_days", \.retention.auditDays, 1...36500),
    ]

    static let tlsSpecs: [Spec<WachterPolicy>] = [int("warn_days", \.tls.warnDays, 1...3650)]

    private mutating func apply(
        _ table: TOMLTable, path: [String], to settings: inout AccountPolicy, setKeys: inout Set<String>
    ) {
        let names = Self.sectionSpecs.map(\.name)
        for name in table.keys {
            guard let specs = Self.sectionSpecs.first(where: { $0.name == name })?.specs else {
                report(path + [name], "unknown section\(Self.suggestion(name, names))")
                continue
            }
            guard let section = table[name]?.table else {
                report(path + [name], "must be a table such as [\(path[0]).\(name)]")
                continue
            }
            for key in section.keys {
                let keyPath = path + [name, key]
                guard let spec = specs.first(where: { $0.key == key }) else {
                    report(keyPath, "unknown key\(Self.suggestion(key, specs.map(\.key)))")
                    continue
                }
                if let problem = check(section[key]!, spec.type) {
                    report(keyPath, problem)
                    continue
                }
                if let problem = spec.apply(&settings, section[key]!) {
                    report(keyPath, problem)
                } else {
                    setKeys.insert(name + "." + key)
                }
            }
        }
    }

    private mutating func applyGlobal(
        _ table: TOMLTable, path: [String], specs: [Spec<WachterPolicy>], to policy: inout WachterPolicy
    ) {
        for key in table.keys {
            let keyPath = path + [key]
            guard let spec = specs.first(where: { $0.key == key }) else {
                report(keyPath, "unknown key\(Self.suggestion(key, specs.map(\.key)))")
                continue
            }
            if let problem = check(table[key]!, spec.type) {
                report(keyPath, problem)
            } else if let problem = spec.apply(&policy, table[key]!) {
                report(keyPath, problem)
            }
        }
    }

    private func check(_ value: any TOMLValueConvertible, _ type: ValueType) -> String? {
        switch type {
        case .integer where value.int == nil: return "must be a whole number, not a \(value.type)"
        case .number where value.int == nil && value.double == nil: return "must be a number, not a \(value.type)"
        case .boolean where value.bool == nil: return "must be true or false, not a \(value.type)"
        case .string where value.string == nil: return "must be a quoted string, not a \(value.type)"
        case .strings:
            guard let array = value.array else { return "must be a list of quoted strings, not a \(value.type)" }
            if array.contains(where: { $0.string == nil }) { return "must be a list of quoted strings" }
            return nil
        default: return nil
        }
    }

    /// Checks values that are each valid but impossible together. For a kind's
    /// section, only combinations involving a key it sets are reported, so that a
    /// problem in `[defaults]` is reported once.
    private mutating func checkConsistency(_ settings: AccountPolicy, section: String, only: Set<String>?) {
        func involved(_ keys: String...) -> String? {
            guard let only else { return keys[0] }
            return keys.first { only.contains($0) }
        }
        if settings.strength.minLength > settings.strength.maxLength,
            let key = involved("strength.min_length", "strength.max_length")
        {
            report(
                [section] + key.split(separator: ".").map(String.init),
                "min_length \(settings.strength.minLength) is greater than max_length \(settings.strength.maxLength)")
        }
        if let range = settings.hashing.method.costRange, settings.hashing.cost != 0,
            !range.contains(settings.hashing.cost), let key = involved("hashing.cost", "hashing.method")
        {
            report(
                [section] + key.split(separator: ".").map(String.init),
                "cost \(settings.hashing.cost) is outside \(range.lowerBound)...\(range.upperBound) for \(settings.hashing.method.rawValue); use 0 for libxcrypt's default"
            )
        }
        if settings.rotation.maxAgeDays > 0, settings.rotation.warnDays >= settings.rotation.maxAgeDays,
            let key = involved("rotation.warn_days", "rotation.max_age_days")
        {
            report(
                [section] + key.split(separator: ".").map(String.init),
                "warn_days \(settings.rotation.warnDays) must be less than max_age_days \(settings.rotation.maxAgeDays)")
        }
        if settings.lockout.failures > settings.lockout.maxConsecutiveFailures,
            let key = involved("lockout.failures", "lockout.max_consecutive_failures")
        {
            report(
                [section] + key.split(separator: ".").map(String.init),
                "failures \(settings.lockout.failures) is greater than max_consecutive_failures \(settings.lockout.maxConsecutiveFailures)"
            )
        }
    }

    /// ", did you mean `x`?" for the closest known name within a small edit distance.
    static func suggestion(_ name: String, _ known: [String]) -> String {
        let scored = known.map { ($0, editDistance(name, $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(2, name.count / 3) else {
            return "; known: \(known.joined(separator: ", "))"
        }
        return "; did you mean `\(best)`?"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
