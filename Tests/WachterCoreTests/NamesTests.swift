import Testing
import WachterCore

struct NamesTests {
    static let goodMailboxes: [(String, String)] = [
        ("info@bakkerij.nl", "info@bakkerij.nl"),
        ("Info@Bakkerij.NL", "Info@bakkerij.nl"),
        ("jan.de.vries+shop@example.com", "jan.de.vries+shop@example.com"),
        ("post@bäckerei.de", "post@xn--bckerei-5wa.de"),
        ("a@münchen.example.", "a@xn--mnchen-3ya.example"),
        ("x@例え.jp", "x@xn--r8jz45g.jp"),
    ]

    @Test(arguments: goodMailboxes)
    func goodMailboxesAreCanonical(raw: String, canonical: String) throws {
        #expect(try Names.account(raw, kind: .mailbox) == canonical)
    }

    static let badMailboxes: [(String, String)] = [
        ("info", "has no @"),
        ("@bakkerij.nl", "nothing before the @"),
        ("in fo@bakkerij.nl", "a space"),
        ("info@bakkerij.nl\n", "a newline"),
        ("in\0fo@bakkerij.nl", "NUL"),
        ("in:fo@bakkerij.nl", "':'"),
        ("info@bakkerij", "single label"),
        (".info@bakkerij.nl", "dot at the start"),
        ("in..fo@bakkerij.nl", "two dots"),
        ("info@-bakkerij.nl", "hyphen"),
        ("info@bak_kerij.nl", "letters, digits and hyphens"),
        ("info@bakkerij..nl", "empty label"),
        ("info@10.0.0.1", "numeric label"),
        (String(repeating: "a", count: 65) + "@bakkerij.nl", "at most 64"),
        ("a@" + String(repeating: "b", count: 64) + ".nl", "at most 63"),
        ("a@" + Array(repeating: String(repeating: "b", count: 60), count: 5).joined(separator: ".") + ".nl", "at most 253"),
        ("info\u{200B}@bakkerij.nl", "control character"),
        ("a/b@bakkerij.nl", "'/' before the @, which would add a directory level to its home and maildir"),
        ("a\\b@bakkerij.nl", "'\\' before the @, which would add a directory level to its home and maildir"),
        (String(repeating: "x", count: 5000), "far too long"),
    ]

    @Test(arguments: badMailboxes)
    func badMailboxesAreRefusedWithTheReason(raw: String, reason: String) {
        #expect {
            _ = try Names.account(raw, kind: .mailbox)
        } throws: { error in
            guard let error = error as? WachterError, error.code == .invalidName else { return false }
            return error.message.contains(reason)
        }
    }

    static let goodUsers = ["jan", "jan.jansen", "web_01", "Site-Admin", "_svc", "a"]

    @Test(arguments: goodUsers)
    func goodPosixUserNamesPass(raw: String) throws {
        #expect(try Names.account(raw, kind: .ftp) == raw)
        #expect(try Names.account(raw, kind: .ssh) == raw)
    }

    static let badUsers: [(String, String)] = [
        ("", "is empty"),
        ("-jan", "starts with a hyphen"),
        ("jan:x", "':'"),
        ("jan jansen", "a space"),
        ("jan\tjansen", "a tab"),
        ("jan\n", "a newline"),
        ("jan\0", "NUL"),
        ("jan@x", "'@'"),
        ("jän", "'ä'"),
        ("12345", "all digits"),
        ("..", "path component"),
        (String(repeating: "a", count: 33), "at most 32"),
    ]

    @Test(arguments: badUsers)
    func badPosixUserNamesAreRefusedWithTheReason(raw: String, reason: String) {
        #expect {
            _ = try Names.account(raw, kind: .ssh)
        } throws: { error in
            (error as? WachterError)?.message.contains(reason) ?? false
        }
    }

    @Test func panelLoginsAreUserNamesOrAddresses() throws {
        #expect(try Names.account("beheer", kind: .panel) == "beheer")
        #expect(try Names.account("Beheer@Bakkerij.NL", kind: .panel) == "Beheer@bakkerij.nl")
        #expect(throws: WachterError.self) { try Names.account("be heer", kind: .panel) }
    }

    @Test func customerIDsAreLowerCaseSlugs() throws {
        #expect(try Names.customerID("bakkerij-jansen") == "bakkerij-jansen")
        #expect(throws: WachterError.self) { try Names.customerID("Bakkerij") }
        #expect(throws: WachterError.self) { try Names.customerID("-x") }
        #expect(throws: WachterError.self) { try Names.customerID("a:b") }
    }

    @Test func freeTextRefusesControlCharacters() throws {
        #expect(try Names.text("  Bakkerij Jansen ", what: "name") == "Bakkerij Jansen")
        #expect(throws: WachterError.self) { try Names.text("Bakkerij\nJansen", what: "name") }
        #expect(throws: WachterError.self) { try Names.text(String(repeating: "x", count: 201), what: "name") }
    }

    @Test func messagesKeepControlCharactersEscaped() {
        do {
            _ = try Names.account("a\nb@x.nl", kind: .mailbox)
            Issue.record("expected a refusal")
        } catch {
            #expect(!"\(error)".contains("\n"))
        }
    }
}
