import Foundation
import Testing
import WachterCore
import WachterTestSupport

/// The policy as the command line enforces it, with the clock fixed through `WACHTER_NOW`.
@Suite(.serialized)
struct PolicyEnforcementTests {
    static let policy = """
        [defaults.strength]
        min_length = 12
        [defaults.rotation]
        max_age_days = 90
        warn_days = 10
        [defaults.reuse]
        history = 2
        [defaults.lockout]
        failures = 3
        window_minutes = 10
        duration_minutes = 30
        source_failures = 5
        source_window_minutes = 10
        """

    func setUp() throws -> (CLI, [String: String]) {
        let cli = try CLI()
        let path = cli.directory + "/policy.toml"
        try Self.policy.write(toFile: path, atomically: true, encoding: .utf8)
        var environment = ["WACHTER_POLICY": path, "WACHTER_NOW": "2026-01-01T09:00:00Z"]
        #expect(try cli.run(["init"], environment: environment).status == 0)
        #expect(try cli.run(["customer", "add", "bakkerij", "--name", "Bakkerij Jansen"], environment: environment).status == 0)
        environment["WACHTER_NOW"] = "2026-01-01T09:00:00Z"
        return (cli, environment)
    }

    @Test func aWeakPasswordIsRefusedWithTheReason() throws {
        let (cli, environment) = try setUp()
        defer { cli.remove() }
        let weak = try cli.run(
            ["account", "add", "info@bakkerij.nl", "--kind", "mailbox", "--customer", "bakkerij", "--password-stdin"],
            stdin: "Bakkerij2024!\n", environment: environment)
        #expect(weak.status == 1)
        #expect(weak.stderr.contains("refused"))
        #expect(!weak.stderr.contains("Bakkerij2024!"))
        let strong = try cli.run(
            ["account", "add", "info@bakkerij.nl", "--kind", "mailbox", "--customer", "bakkerij", "--password-stdin"],
            stdin: "vijf zwaluwen vliegen over het dak\n", environment: environment)
        #expect(strong.status == 0, "\(strong.stderr)")
    }

    @Test func aPasswordOfAnotherAccountOfTheSameCustomerIsRefusedNamingItsKind() throws {
        let (cli, environment) = try setUp()
        defer { cli.remove() }
        let shared = "groene appels en rode peren"
        let add = ["account", "add", "info@bakkerij.nl", "--kind", "mailbox", "--customer", "bakkerij", "--password-stdin"]
        #expect(try cli.run(add, stdin: shared + "\n", environment: environment).status == 0)
        let ftp = try cli.run(
            ["account", "add", "jan", "--kind", "ftp", "--customer", "bakkerij", "--password-stdin"], stdin: shared + "\n",
            environment: environment)
        #expect(ftp.status == 1)
        #expect(ftp.stderr.contains("mailbox account has the same password"), "\(ftp.stderr)")
        #expect(!ftp.stderr.contains(shared) && !ftp.stdout.contains(shared))
    }

    @Test func aBreachedPasswordFoundAtLoginMarksTheAccountAndIsReported() throws {
        var (cli, environment) = try setUp()
        defer { cli.remove() }
        let password = "zomervakantie in lissabon"
        #expect(
            try cli.run(
                ["account", "add", "jan", "--kind", "ftp", "--customer", "bakkerij", "--password-stdin"],
                stdin: password + "\n", environment: environment
            ).status == 0)
        // Later the password turns up in the breach list.
        let hash = String(decoding: BreachedPasswordFile.sha1Hex(Array(password.utf8)), as: UTF8.self)
        try
            (["0000000000000000000000000000000000000000:1", hash + ":12", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:1"]
            .sorted().joined(separator: "\n") + "\n").write(
                toFile: cli.directory + "/pwned.txt", atomically: true, encoding: .utf8)
        try Self.policy.replacingOccurrences(of: "min_length = 12", with: "min_length = 12\nbreached_file = \"pwned.txt\"")
            .write(toFile: cli.directory + "/policy.toml", atomically: true, encoding: .utf8)
        environment["WACHTER_NOW"] = "2026-01-02T09:00:00Z"
        let login = try cli.run(["verify", "jan", "--password-stdin"], stdin: password + "\n", environment: environment)
        #expect(login.status == 0, "\(login.stderr)")
        let check = try cli.run(["policy", "breached-check"], environment: environment)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout == "2026-01-02T09:00:00Z\tjan\tmust change\n")
        #expect(check.stderr.contains("1 stored account(s)"))
        let report = try cli.run(["report", "--format", "text"], environment: environment)
        #expect(report.stdout.contains("found in a breach list"), "\(report.stdout)")
        for output in [login.stdout, login.stderr, check.stdout, check.stderr, report.stdout] {
            #expect(!output.contains(password) && !output.contains(hash))
        }
    }

    @Test func reuseOfTheLastPasswordsIsRefusedButOlderOnesAreAllowed() throws {
        let (cli, environment) = try setUp()
        defer { cli.remove() }
        let passwords = ["groene appels en rode peren", "zeven kikkers in een emmer", "de trein naar Zwolle is laat"]
        #expect(
            try cli.run(
                ["account", "add", "jan", "--kind", "ftp", "--customer", "bakkerij", "--password-stdin"],
                stdin: passwords[0] + "\n",
                environment: environment
            ).status == 0)
        #expect(
            try cli.run(["passwd", "jan", "--password-stdin"], stdin: passwords[1] + "\n", environment: environment).status == 0)
        let again = try cli.run(["passwd", "jan", "--password-stdin"], stdin: passwords[0] + "\n", environment: environment)
        #expect(again.status == 1)
        #expect(again.stderr.contains("used before"))
        #expect(
            try cli.run(["passwd", "jan", "--password-stdin"], stdin: passwords[2] + "\n", environment: environment).status == 0)
        // The history holds two earlier hashes plus the current one: the first password has left it.
        #expect(
            try cli.run(["passwd", "jan", "--password-stdin"], stdin: passwords[1] + "\n", environment: environment).status == 1)
        let fourth = "een vierde wachtwoord voor jan"
        #expect(try cli.run(["passwd", "jan", "--password-stdin"], stdin: fourth + "\n", environment: environment).status == 0)
        #expect(
            try cli.run(["passwd", "jan", "--password-stdin"], stdin: passwords[0] + "\n", environment: environment).status == 0)
    }

    @Test func passwordsExpireAfterTheMaximumAge() throws {
        var (cli, environment) = try setUp()
        defer { cli.remove() }
        let password = "zeven kikkers in een emmer"
        #expect(
            try cli.run(
                ["account", "add", "jan", "--kind", "ftp", "--customer", "bakkerij", "--password-stdin"], stdin: password + "\n",
                environment: environment
            ).status == 0)
        let show = try cli.run(["account", "show", "jan"], environment: environment)
        #expect(show.stdout.contains("expires:       2026-04-01"))
        environment["WACHTER_NOW"] = "2026-03-25T09:00:00Z"
        #expect(try cli.run(["account", "list"], environment: environment).stdout.contains("expiring"))
        #expect(try cli.run(["verify", "jan", "--password-stdin"], stdin: password + "\n", environment: environment).status == 0)
        environment["WACHTER_NOW"] = "2026-04-02T09:00:00Z"
        #expect(try cli.run(["account", "list"], environment: environment).stdout.contains("expired"))
        let expired = try cli.run(
            ["verify", "jan", "--password-stdin", "--json"], stdin: password + "\n", environment: environment)
        #expect(expired.stdout.contains("\"expired\""))
        #expect(expired.stdout.contains("expired on 2026-04-01"))
        let logins = try cli.run(["logins", "--json"], environment: environment)
        #expect(logins.stdout.contains("\"expired\""))
    }

    @Test func failuresLockTheAccountForTheDurationAndAResetLiftsIt() throws {
        var (cli, environment) = try setUp()
        defer { cli.remove() }
        let password = "zeven kikkers in een emmer"
        #expect(
            try cli.run(
                ["account", "add", "jan", "--kind", "ftp", "--customer", "bakkerij", "--password-stdin"], stdin: password + "\n",
                environment: environment
            ).status == 0)
        for _ in 0..<3 {
            #expect(
                try cli.run(["verify", "jan", "--password-stdin"], stdin: "wrong guess\n", environment: environment).status == 1)
        }
        let locked = try cli.run(
            ["verify", "jan", "--password-stdin", "--json"], stdin: password + "\n", environment: environment)
        #expect(locked.status == 1)
        #expect(locked.stdout.contains("\"locked\""))
        #expect(try cli.run(["account", "list"], environment: environment).stdout.contains("locked-out"))
        environment["WACHTER_NOW"] = "2026-01-01T09:31:00Z"
        #expect(try cli.run(["verify", "jan", "--password-stdin"], stdin: password + "\n", environment: environment).status == 0)
        for _ in 0..<3 {
            _ = try cli.run(["verify", "jan", "--password-stdin"], stdin: "wrong guess\n", environment: environment)
        }
        let temporary = try cli.run(["reset", "jan"], environment: environment).stdout
        let afterReset = try cli.run(["verify", "jan", "--password-stdin", "--json"], stdin: temporary, environment: environment)
        #expect(afterReset.stdout.contains("\"expired\""), "a reset lifts the lockout and forces a change")
    }

    @Test func oneSourceIsThrottledWithoutLockingTheAccountForOthers() throws {
        let (cli, environment) = try setUp()
        defer { cli.remove() }
        let password = "zeven kikkers in een emmer"
        // Each account its own password: one customer's accounts may not share one.
        for name in ["jan", "piet", "kees"] {
            #expect(
                try cli.run(
                    ["account", "add", name, "--kind", "ftp", "--customer", "bakkerij", "--password-stdin"],
                    stdin: (name == "kees" ? password : "\(password) voor \(name)") + "\n", environment: environment
                ).status == 0)
        }
        // Five failures from one address over three accounts: no account reaches three.
        for name in ["jan", "jan", "piet", "piet", "kees"] {
            _ = try cli.run(
                ["verify", name, "--password-stdin", "--source", "203.0.113.9"], stdin: "guess\n", environment: environment)
        }
        let throttled = try cli.run(
            ["verify", "kees", "--password-stdin", "--source", "203.0.113.9", "--json"], stdin: password + "\n",
            environment: environment)
        #expect(throttled.status == 1)
        #expect(throttled.stdout.contains("too many failed logins from this source"))
        #expect(!throttled.stdout.contains("203.0.113.9"), "the reason is stored in the clear, so it names no address")
        let elsewhere = try cli.run(
            ["verify", "kees", "--password-stdin", "--source", "198.51.100.4"], stdin: password + "\n", environment: environment)
        #expect(elsewhere.status == 0, "the account is not locked for another address")
    }
}
