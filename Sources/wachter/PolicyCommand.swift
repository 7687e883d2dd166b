import ArgumentParser
import Foundation
import WachterCore

/// `wachter policy`: show, check and try out the password policy.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Show, lint and try out the password policy.",
        discussion: """
            The policy is read from --policy PATH, else from the file named by \
            WACHTER_POLICY, else from /etc/wachter/policy.toml, else from the copy of \
            policies/default.toml built into wachter. docs/POLICY.md describes every key.
            """,
        subcommands: [Show.self, Lint.self, CheckPassword.self, BreachedCheck.self])
}

extension PolicyCommand {
    /// `wachter policy show`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print the effective policy for every account kind.",
            discussion: "The output is itself a valid policy file with every key spelled out.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let policy = try global.loadPolicy()
            if global.json {
                let data = try JSONSerialization.data(
                    withJSONObject: PolicyDescription.dictionary(policy), options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(PolicyDescription.toml(policy), terminator: "")
            }
        }
    }

    /// `wachter policy lint [PATH]`.
    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Check a policy file and report every problem with its line and key.",
            discussion: "Exits 0 when the file is clean and 1 when it has problems.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("The file to check; the policy in use when left out.", valueName: "path"))
        var path: String?

        func run() throws {
            let location: PolicyFile.Location = path.map { .file($0) } ?? global.policyLocation()
            let source = try PolicyFile.read(location)
            let diagnostics = PolicyFile.parse(source.text, file: source.name).diagnostics
            for diagnostic in diagnostics { print(diagnostic.description) }
            if !diagnostics.isEmpty {
                FileHandle.standardError.write(Data("\(diagnostics.count) problem(s) in \(source.name)\n".utf8))
                throw ExitCode(1)
            }
            FileHandle.standardError.write(Data("\(source.name): no problems\n".utf8))
        }
    }

    /// `wachter policy check-password`.
    struct CheckPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-password",
            abstract: "Check passwords from standard input against the policy, one per line.",
            discussion: """
                For each line, prints "accept", a tab and the estimated guesses as a power \
                of ten, or "reject", a tab and the reason. The passwords themselves are \
                never printed.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("An account name whose parts count as context words.", valueName: "name"))
        var account: String?

        @Option(help: ArgumentHelp("The account kind whose rules apply: mailbox, ftp, ssh or panel.", valueName: "kind"))
        var kind = "mailbox"

        @Option(
            name: .customLong("context"),
            help: ArgumentHelp("A word the password must not be built on, such as a customer's name.", valueName: "word"))
        var context: [String] = []

        func validate() throws {
            guard WachterPolicy.accountKinds.contains(kind) else {
                throw ValidationError(
                    "--kind must be one of \(WachterPolicy.accountKinds.joined(separator: ", ")), not '\(kind)'.")
            }
        }

        func run() throws {
            let policy = try global.loadPolicy()
            let checker = try PasswordPolicy(kind: kind, policy: policy)
            let words = StrengthContext.account(account, extra: context)
            let now = GlobalOptions.clock().now()
            var output: [UInt8] = []
            output.reserveCapacity(1 << 16)
            LineReader.forEachLine(of: FileHandle.standardInput) { line in
                switch checker.evaluate(utf8: line, context: words, at: now) {
                case .accept(let log10):
                    output.append(contentsOf: "accept\t\(String(format: "%.2f", log10))\n".utf8)
                case .reject(let refusal):
                    output.append(contentsOf: "reject\t\(refusal.reason)\n".utf8)
                }
                if output.count >= 1 << 16 {
                    FileHandle.standardOutput.write(Data(output))
                    output.removeAll(keepingCapacity: true)
                }
            }
            FileHandle.standardOutput.write(Data(output))
        }
    }
}

/// Splits standard input into lines without making a `String` of each.
enum LineReader {
    /// Calls `body` with each line's bytes, without its `\n` or `\r\n`.
    ///
    /// The buffer that held the passwords is overwritten with zeros at the end;
    /// Foundation's `Data` copies cannot be wiped, which is the price of reading
    /// through `FileHandle`.
    static func forEachLine(of handle: FileHandle, _ body: ([UInt8]) -> Void) {
        var pending: [UInt8] = []
        while let chunk = try? handle.read(upToCount: 1 << 16), !chunk.isEmpty {
            pending.append(contentsOf: chunk)
            var start = 0
            while let newline = pending[start...].firstIndex(of: 0x0a) {
                var end = newline
                if end > start, pending[end - 1] == 0x0d { end -= 1 }
                body(Array(pending[start..<end]))
                start = newline + 1
            }
            for index in 0..<start { pending[index] = 0 }
            pending.removeFirst(start)
        }
        if !pending.isEmpty {
            var end = pending.count
            if pending[end - 1] == 0x0d { end -= 1 }
            body(Array(pending[0..<end]))
        }
        for index in pending.indices { pending[index] = 0 }
    }
}

/// The effective policy as TOML or as a JSON-ready dictionary.
enum PolicyDescription {
    static func sections(_ settings: AccountPolicy) -> [(String, [(String, Any)])] {
        let s = settings.strength
        let h = settings.hashing
        let r = settings.rotation
        let l = settings.lockout
        return [
            (
                "strength",
                [
                    ("min_length", s.minLength), ("max_length", s.maxLength), ("min_guesses_log10", s.minGuessesLog10),
                    ("builtin_blocklist", s.builtinBlocklist), ("blocklist_files", s.blocklistFiles),
                    ("context_words", s.contextWords), ("language", s.language.rawValue),
                    ("breached_file", s.breachedFile), ("breached_min_count", s.breachedMinCount),
                ]
            ),
            ("hashing", [("method", h.method.rawValue), ("cost", h.cost)]),
            (
                "rotation",
                [("max_age_days", r.maxAgeDays), ("warn_days", r.warnDays), ("change_after_reset", r.changeAfterReset)]
            ),
            (
                "reuse",
                [
                    ("history", settings.reuse.history), ("across_accounts", settings.reuse.acrossAccounts),
                    ("across_accounts_limit", settings.reuse.acrossAccountsLimit),
                ]
            ),
            (
                "lockout",
                [
                    ("failures", l.failures), ("window_minutes", l.windowMinutes), ("duration_minutes", l.durationMinutes),
                    ("source_failures", l.sourceFailures), ("source_window_minutes", l.sourceWindowMinutes),
                    ("max_consecutive_failures", l.maxConsecutiveFailures),
                ]
            ),
        ]
    }

    static func globals(_ policy: WachterPolicy) -> [(String, [(String, Any)])] {
        [
            (
                "retention",
                [
                    ("login_events_days", policy.retention.loginEventsDays),
                    ("site_checks_days", policy.retention.siteChecksDays), ("audit_days", policy.retention.auditDays),
                ]
            ),
            ("tls", [("warn_days", policy.tls.warnDays)]),
        ]
    }

    static func tomlValue(_ value: Any) -> String {
        switch value {
        case let text as String:
            "\"\(text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
        case let list as [String]: "[" + list.map { tomlValue($0) }.joined(separator: ", ") + "]"
        case let number as Double: number == number.rounded() ? String(Int(number)) : String(number)
        default: "\(value)"
        }
    }

    static func toml(_ policy: WachterPolicy) -> String {
        var text = "# Effective policy, read from \(policy.source).\n"
        for kind in WachterPolicy.accountKinds {
            for (name, keys) in sections(policy.settings(forKind: kind)) {
                text += "\n[\(kind).\(name)]\n"
                for (key, value) in keys { text += "\(key) = \(tomlValue(value))\n" }
            }
        }
        for (name, keys) in globals(policy) {
            text += "\n[\(name)]\n"
            for (key, value) in keys { text += "\(key) = \(tomlValue(value))\n" }
        }
        return text
    }

    static func dictionary(_ policy: WachterPolicy) -> [String: Any] {
        var result: [String: Any] = ["source": policy.source]
        for kind in WachterPolicy.accountKinds {
            var kindSections: [String: Any] = [:]
            for (name, keys) in sections(policy.settings(forKind: kind)) {
                kindSections[name] = Dictionary(uniqueKeysWithValues: keys.map { ($0.0, $0.1) })
            }
            result[kind] = kindSections
        }
        for (name, keys) in globals(policy) {
            result[name] = Dictionary(uniqueKeysWithValues: keys.map { ($0.0, $0.1) })
        }
        return result
    }
}
