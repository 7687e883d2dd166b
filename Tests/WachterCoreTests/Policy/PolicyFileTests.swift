import Foundation
import Testing

@testable import WachterCore

struct PolicyFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func repositoryFile(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func embeddedDefaultEqualsPoliciesDefaultToml() throws {
        #expect(PolicyFile.builtInDefaultText == (try Self.repositoryFile("policies/default.toml")))
    }

    @Test func shippedDefaultLintsCleanAndMatchesTheBuiltInValues() throws {
        let result = PolicyFile.parse(PolicyFile.builtInDefaultText, file: "built-in")
        #expect(result.diagnostics == [])
        let policy = try #require(result.policy)
        #expect(policy.defaults == AccountPolicy())
        #expect(policy.settings(forKind: "ssh").strength.minGuessesLog10 == 12)
        #expect(policy.settings(forKind: "panel").lockout.failures == 5)
        #expect(policy.settings(forKind: "mailbox") == AccountPolicy())
    }

    static let everyKey = """
        [defaults.strength]
        min_length = 12
        max_length = 200
        min_guesses_log10 = 9.5
        builtin_blocklist = false
        blocklist_files = ["extra.txt", "/abs/list.txt"]
        context_words = false
        language = "nl"
        breached_file = "pwned.txt"
        breached_min_count = 3

        [defaults.hashing]
        method = "bcrypt"
        cost = 12

        [defaults.rotation]
        max_age_days = 0
        warn_days = 7
        change_after_reset = false

        [defaults.reuse]
        history = 24

        [defaults.lockout]
        failures = 8
        window_minutes = 30
        duration_minutes = 60
        source_failures = 50
        source_window_minutes = 10
        max_consecutive_failures = 90

        [mailbox]
        strength.min_length = 20

        [ftp.hashing]
        method = "sha512crypt"
        cost = 100000

        [ssh.rotation]
        max_age_days = 90
        warn_days = 10

        [panel.lockout]
        failures = 3

        [retention]
        login_events_days = 30
        site_checks_days = 60
        audit_days = 3000

        [tls]
        warn_days = 30
        """

    @Test func everyKeyIsRead() throws {
        let result = PolicyFile.parse(Self.everyKey, file: "/etc/wachter/policy.toml")
        #expect(result.diagnostics == [])
        let policy = try #require(result.policy)
        let d = policy.defaults
        #expect(d.strength.minLength == 12)
        #expect(d.strength.maxLength == 200)
        #expect(d.strength.minGuessesLog10 == 9.5)
        #expect(d.strength.builtinBlocklist == false)
        #expect(d.strength.blocklistFiles == ["extra.txt", "/abs/list.txt"])
        #expect(d.strength.contextWords == false)
        #expect(d.strength.language == .nl)
        #expect(d.strength.breachedFile == "pwned.txt")
        #expect(d.strength.breachedMinCount == 3)
        #expect(
            d.hashing
                == {
                    var h = HashingSettings()
                    h.method = .bcrypt
                    h.cost = 12
                    return h
                }())
        #expect(d.rotation.maxAgeDays == 0)
        #expect(d.rotation.warnDays == 7)
        #expect(d.rotation.changeAfterReset == false)
        #expect(d.reuse.history == 24)
        #expect(d.lockout.failures == 8)
        #expect(d.lockout.windowMinutes == 30)
        #expect(d.lockout.durationMinutes == 60)
        #expect(d.lockout.sourceFailures == 50)
        #expect(d.lockout.sourceWindowMinutes == 10)
        #expect(d.lockout.maxConsecutiveFailures == 90)
        #expect(policy.settings(forKind: "mailbox").strength.minLength == 20)
        #expect(policy.settings(forKind: "mailbox").strength.maxLength == 200)
        #expect(policy.settings(forKind: "ftp").hashing.method == .sha512crypt)
        #expect(policy.settings(forKind: "ftp").hashing.cost == 100000)
        #expect(policy.settings(forKind: "ssh").rotation.maxAgeDays == 90)
        #expect(policy.settings(forKind: "ssh").rotation.warnDays == 10)
        #expect(policy.settings(forKind: "panel").lockout.failures == 3)
        #expect(policy.settings(forKind: "panel").lockout.windowMinutes == 30)
        #expect(policy.retention.loginEventsDays == 30)
        #expect(policy.retention.siteChecksDays == 60)
        #expect(policy.retention.auditDays == 3000)
        #expect(policy.tls.warnDays == 30)
        #expect(policy.resolve("extra.txt") == "/etc/wachter/extra.txt")
        #expect(policy.resolve("/abs/list.txt") == "/abs/list.txt")
        #expect(d.hashing.hashingPolicy == HashingPolicy(method: .bcrypt, cost: 12))
    }

    static let broken = """
        [defaults.strength]
        min_lenght = 15
        max_length = "64"
        min_guesses_log10 = 40

        [defaults.hashing]
        method = "md5crypt"

        [defaults.lockout]
        max_consecutive_failures = 101
        window_minutes = -5

        [mailbox.strength]
        min_length = 500
        max_length = 100

        [ftp.hashing]
        method = "bcrypt"
        cost = 99

        [ssh.rotation]
        max_age_days = 30
        warn_days = 30

        [webmail.strength]
        min_length = 10

        [tls]
        warn_dayz = 3
        """

    @Test func lintReportsEveryErrorWithLineAndKey() {
        let result = PolicyFile.parse(Self.broken, file: "broken.toml")
        let found = result.diagnostics.map { "\($0.line) \($0.key)" }
        #expect(
            Set(found)
                == [
                    "2 defaults.strength.min_lenght", "3 defaults.strength.max_length",
                    "4 defaults.strength.min_guesses_log10", "7 defaults.hashing.method",
                    "10 defaults.lockout.max_consecutive_failures", "11 defaults.lockout.window_minutes",
                    "14 mailbox.strength.min_length", "19 ftp.hashing.cost", "23 ssh.rotation.warn_days",
                    "25 webmail", "29 tls.warn_dayz",
                ])
        let typo = result.diagnostics.first { $0.key == "defaults.strength.min_lenght" }
        #expect(typo?.message.contains("did you mean `min_length`?") == true)
        #expect(typo?.description.hasPrefix("broken.toml:2: defaults.strength.min_lenght: ") == true)
        #expect(result.diagnostics.first { $0.key == "webmail" }?.message.contains("unknown section") == true)
        #expect(result.diagnostics.first { $0.key == "tls.warn_dayz" }?.message.contains("`warn_days`") == true)
    }

    @Test func invalidTomlIsReportedWithItsLine() {
        let result = PolicyFile.parse("[defaults.strength]\nmin_length = = 3\n", file: "bad.toml")
        #expect(result.policy == nil)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.line == 2)
    }

    @Test func loadThrowsWithEveryProblem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wachter-policy-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("policy.toml")
        try Self.broken.write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: WachterError.self) { try PolicyFile.load(.file(file.path)) }
        #expect(throws: WachterError.self) { try PolicyFile.load(.file(directory.appendingPathComponent("none").path)) }
    }

    @Test func lookupOrderIsOptionThenEnvironmentThenEtcThenBuiltIn() {
        let env = [PolicyFile.environmentVariable: "/env.toml"]
        #expect(PolicyFile.locate(explicit: "/x.toml", environment: env, fileExists: { _ in true }) == .file("/x.toml"))
        #expect(PolicyFile.locate(explicit: nil, environment: env, fileExists: { _ in true }) == .file("/env.toml"))
        #expect(
            PolicyFile.locate(explicit: nil, environment: [:], fileExists: { $0 == PolicyFile.systemPath })
                == .file("/etc/wachter/policy.toml"))
        #expect(PolicyFile.locate(explicit: nil, environment: [:], fileExists: { _ in false }) == .builtIn)
    }
}
