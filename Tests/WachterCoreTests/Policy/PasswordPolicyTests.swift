import Foundation
import Testing
import WachterCore

struct PasswordPolicyTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func rulesAreCheckedInOrderAndTheFirstFailureIsReported() {
        let policy = PasswordPolicy(usesContext: false) {
            MinimumLength(15)
            MaximumLength(20)
            MinimumGuesses(log10: 10)
        }
        guard case .reject(let short) = policy.evaluate(Secret("abc"), context: .none, at: Self.now) else {
            Issue.record("a short password was accepted")
            return
        }
        #expect(short.code == "too-short")
        guard case .reject(let long) = policy.evaluate(Secret(String(repeating: "x", count: 21)), context: .none, at: Self.now)
        else {
            Issue.record("a long password was accepted")
            return
        }
        #expect(long.code == "too-long")
        #expect(policy.evaluate(Secret("tackled scoffing"), context: .none, at: Self.now) != .reject(short))
    }

    @Test func dutchLanguageGivesDutchReasons() throws {
        var policy = WachterPolicy()
        policy.kinds["mailbox"]?.strength.language = .nl
        let checker = try PasswordPolicy(kind: "mailbox", policy: policy)
        guard case .reject(let refusal) = checker.evaluate(Secret("kort"), context: .none, at: Self.now) else {
            Issue.record("accepted")
            return
        }
        #expect(refusal.reason.contains("tekens"))
    }

    @Test func blocklistFilesAndBuiltInListRefuseWholePasswords() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wachter-bl-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "# local list\nHostingBedrijfWachtwoord\n".write(
            to: directory.appendingPathComponent("local.txt"), atomically: true, encoding: .utf8)
        var policy = WachterPolicy(baseDirectory: directory.path)
        policy.kinds["ftp"]?.strength.blocklistFiles = ["local.txt"]
        policy.kinds["ftp"]?.strength.minLength = 1
        policy.kinds["ftp"]?.strength.minGuessesLog10 = 0
        let checker = try PasswordPolicy(kind: "ftp", policy: policy)
        for password in ["hostingbedrijfwachtwoord", "PASSWORD", "iloveyou"] {
            guard case .reject(let refusal) = checker.evaluate(Secret(password), context: .none, at: Self.now) else {
                Issue.record("a blocklisted password was accepted")
                continue
            }
            #expect(refusal.code == "blocklisted")
        }
    }

    @Test func breachedFileRefusesListedPasswords() throws {
        let url = try BreachedPasswordFileTests.makeFile([("tackled scoffing tallness floppy", 3)], filler: 100)
        defer { try? FileManager.default.removeItem(at: url) }
        var policy = WachterPolicy()
        policy.kinds["mailbox"]?.strength.breachedFile = url.path
        policy.kinds["mailbox"]?.strength.breachedMinCount = 2
        let checker = try PasswordPolicy(kind: "mailbox", policy: policy)
        guard
            case .reject(let refusal) = checker.evaluate(Secret("tackled scoffing tallness floppy"), context: .none, at: Self.now)
        else {
            Issue.record("a breached password was accepted")
            return
        }
        #expect(refusal.code == "breached")
        policy.kinds["mailbox"]?.strength.breachedMinCount = 4
        let lenient = try PasswordPolicy(kind: "mailbox", policy: policy)
        if case .reject = lenient.evaluate(Secret("tackled scoffing tallness floppy"), context: .none, at: Self.now) {
            Issue.record("a password seen fewer times than breached_min_count was refused")
        }
    }

    @Test func contextWordsCanBeSwitchedOff() throws {
        var policy = WachterPolicy()
        policy.kinds["mailbox"]?.strength.contextWords = false
        let checker = try PasswordPolicy(kind: "mailbox", policy: policy)
        let context = StrengthContext.account("info@zwartewaterkoeriers.nl", customerName: "Zwartewater Koeriers")
        let verdict = checker.evaluate(Secret("zwartewaterkoeriers gaat hard"), context: context, at: Self.now)
        if case .reject(let refusal) = verdict { #expect(refusal.code != "context-word") }
        let strict = try PasswordPolicy(kind: "mailbox", policy: WachterPolicy())
        #expect(strict.evaluate(Secret("zwartewaterkoeriers gaat hard"), context: context, at: Self.now) != verdict)
    }

    @Test func invalidInputIsRejectedWithoutQuotingIt() {
        let policy = PasswordPolicy { MinimumLength(1) }
        guard case .reject(let refusal) = policy.evaluate(Secret(bytes: [0x61, 0x00, 0x62]), context: .none, at: Self.now)
        else {
            Issue.record("a NUL byte was accepted")
            return
        }
        #expect(refusal.code == "invalid")
    }
}
