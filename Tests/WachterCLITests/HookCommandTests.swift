import Foundation
import Testing
import WachterTestSupport

/// The hooks read account names from a stream; a malformed one must change nothing and
/// leave nothing in the store that would not read back as it was written.
@Suite(.serialized)
struct HookCommandTests {
    static let password = "Canary-Hook-4f1e-ontbijtkoek-stroop"
    static let newPassword = "Canary-Hook-new-8a2b-hagelslag-muisjes"

    /// A store with the FTP account `name` and the mailbox `info@example.nl`, both with
    /// ``password``; they belong to two customers, since one customer's accounts may not
    /// share a password.
    func setUp() throws -> CLI {
        let cli = try CLI()
        try #require(try cli.run(["init"]).status == 0)
        try #require(try cli.run(["customer", "add", "acme", "--name", "Acme"]).status == 0)
        try #require(try cli.run(["customer", "add", "example", "--name", "Example"]).status == 0)
        for (name, kind, customer) in [("name", "ftp", "acme"), ("info@example.nl", "mailbox", "example")] {
            let add = try cli.run(
                ["account", "add", name, "--kind", kind, "--customer", customer, "--password-stdin"],
                stdin: Self.password + "\n")
            try #require(add.status == 0, "\(add.stderr)")
        }
        return cli
    }

    /// Nothing changed: no login was recorded, the trail is intact with its four entries
    /// (two customer adds, two account adds), and both accounts keep their password.
    func expectUnchanged(_ cli: CLI) throws {
        let logins = try cli.run(["logins", "--json"])
        let events = try JSONSerialization.jsonObject(with: Data(logins.stdout.utf8)) as? [Any]
        #expect(events?.isEmpty == true, "\(logins.stdout)")
        let audit = try cli.run(["audit", "--verify"])
        #expect(audit.status == 0, "\(audit.stdout) \(audit.stderr)")
        #expect(audit.stdout.contains("intact: 4 entries"), "\(audit.stdout)")
        for account in ["name", "info@example.nl"] {
            #expect(try cli.run(["verify", account, "--password-stdin"], stdin: Self.password + "\n").status == 0)
        }
    }

    static let malformedNames = [
        "name\0x", "info@example.nl\0x", "na\u{1}me", "info@exam\u{7F}ple.nl", "name x", "na:me", "info@exa\rmple.nl",
        "\u{202E}name",
    ]

    @Test(arguments: malformedNames)
    func changePasswordRefusesAMalformedAccountNameWithExit64(name: String) throws {
        let cli = try setUp()
        defer { cli.remove() }
        let change = try cli.run(["hook", "change-password"], stdin: "\(name)\n\(Self.password)\n\(Self.newPassword)\n")
        #expect(change.status == 64, "\(change.stderr)")
        #expect(change.stderr.split(separator: "\n").count == 1, "one line: \(change.stderr)")
        #expect(!change.stderr.contains("\0"))
        #expect(!change.stderr.contains(Self.password) && !change.stderr.contains(Self.newPassword))
        try expectUnchanged(cli)
    }

    @Test func changePasswordRefusesAnAccountNameThatIsNotUTF8WithExit64() throws {
        let cli = try setUp()
        defer { cli.remove() }
        let input = Array("na".utf8) + [0xFF, 0xFE] + Array("me\n\(Self.password)\n\(Self.newPassword)\n".utf8)
        let change = try cli.run(["hook", "change-password"], input: input)
        #expect(change.status == 64, "\(change.stderr)")
        #expect(change.stderr.contains("UTF-8"), "\(change.stderr)")
        try expectUnchanged(cli)
    }

    @Test func changePasswordStillChangesAWellFormedAccount() throws {
        let cli = try setUp()
        defer { cli.remove() }
        let change = try cli.run(["hook", "change-password"], stdin: "name\n\(Self.password)\n\(Self.newPassword)\n")
        #expect(change.status == 0, "\(change.stderr)")
        #expect(try cli.run(["verify", "name", "--password-stdin"], stdin: Self.newPassword + "\n").status == 0)
        #expect(try cli.run(["audit", "--verify"]).status == 0)
    }

    /// Runs `hook checkpassword /bin/true` with `input` on descriptor 3.
    func checkpassword(_ cli: CLI, _ input: [UInt8]) throws -> Int32 {
        let file = cli.directory + "/fd3"
        try Data(input).write(to: URL(fileURLWithPath: file))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \"$0\" hook checkpassword /bin/true 3<\"$1\"", CLI.binary.path, file]
        var environment = ProcessInfo.processInfo.environment
        environment["WACHTER_STORE"] = cli.store
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test(arguments: ["na\u{1}me", "name x", "na:me", "info@exam\u{7F}ple.nl", "\u{202E}name"])
    func checkpasswordRefusesAMalformedAccountNameAsMalformedInput(name: String) throws {
        let cli = try setUp()
        defer { cli.remove() }
        #expect(try checkpassword(cli, Array(name.utf8) + [0] + Array(Self.password.utf8) + [0, 0]) == 2)
        try expectUnchanged(cli)
    }

    @Test func checkpasswordStillAcceptsAWellFormedAccount() throws {
        let cli = try setUp()
        defer { cli.remove() }
        #expect(try checkpassword(cli, Array("name".utf8) + [0] + Array(Self.password.utf8) + [0, 0]) == 0)
        #expect(try checkpassword(cli, Array("name".utf8) + [0] + Array("wrong".utf8) + [0, 0]) == 1)
    }
}
