import Foundation
import Testing
import WachterTestSupport

/// Runs a Python snippet with arguments; returns its exit status and output.
func python(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A store built through the command line, one step at a time with WACHTER_NOW.
struct CLIReportFixture {
    static let canary = "canary-Pa55word-7731"
    let cli: CLI

    init() throws {
        cli = try CLI()
        try step("2024-01-01T00:00:00Z", ["init"])
        try step("2024-01-01T00:00:00Z", ["customer", "add", "acme", "--name", "<script>alert(1)</script>"])
        try step(
            "2024-01-01T00:00:00Z",
            ["account", "add", "old@acme.nl", "--kind", "mailbox", "--customer", "acme", "--password-stdin"],
            stdin: Self.canary + "\n")
        try step(
            "2024-12-01T00:00:00Z", ["account", "add", "jan", "--kind", "ftp", "--customer", "acme", "--password-stdin"],
            stdin: Self.canary + "-ftp\n")  // its own password: a customer's accounts may not share one
        try step("2024-12-02T00:00:00Z", ["reset", "jan"])
        for minute in 10..<16 {
            try cli.run(
                ["verify", "old@acme.nl", "--source", "198.51.100.7", "--password-stdin"], stdin: "wrong\n",
                environment: ["WACHTER_NOW": "2024-12-30T12:\(minute):00Z"])
        }
        for minute in 20..<22 {
            try cli.run(
                ["verify", "admin", "--source", "198.51.100.7", "--password-stdin"], stdin: "wrong\n",
                environment: ["WACHTER_NOW": "2024-12-30T12:\(minute):00Z"])
        }
        try cli.run(
            ["verify", Self.canary, "--source", "192.0.2.1", "--password-stdin"], stdin: Self.canary + "\n",
            environment: ["WACHTER_NOW": "2024-12-30T13:00:00Z"])
        try step("2024-12-31T00:00:00Z", ["lock", "old@acme.nl"])
    }

    func step(_ now: String, _ arguments: [String], stdin: String? = nil) throws {
        let result = try cli.run(arguments, stdin: stdin, environment: ["WACHTER_NOW": now])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
    }

    func report(_ arguments: [String], now: String = "2025-01-01T00:00:00Z", environment: [String: String] = [:]) throws
        -> CLI.Result
    {
        try cli.run(["report"] + arguments, environment: environment.merging(["WACHTER_NOW": now]) { $1 })
    }

    static var schemaPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/report.schema.json").path
    }
}

@Suite(.serialized)
struct ReportCommandTests {
    static let validate = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(json.load(open(sys.argv[2])))]
        print("\\n".join(errors) or "valid")
        sys.exit(1 if errors else 0)
        """

    @Test func theJSONReportValidatesAgainstTheSchema() throws {
        let fixture = try CLIReportFixture()
        defer { fixture.cli.remove() }
        let path = fixture.cli.directory + "/report.json"
        let result = try fixture.report(["--format", "json", "--output", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let check = try python(Self.validate, [CLIReportFixture.schemaPath, path])
        #expect(check.status == 0, "\(check.output)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        #expect(json?["actionsNeeded"] as? Int == 5)
        // An empty period validates too.
        let empty = fixture.cli.directory + "/empty.json"
        #expect(try fixture.report(["--json", "--output", empty], now: "2026-06-01T00:00:00Z").status == 0)
        #expect(try python(Self.validate, [CLIReportFixture.schemaPath, empty]).status == 0)
    }

    @Test func theTextReportShowsEachFindingAndNoSecret() throws {
        let fixture = try CLIReportFixture()
        defer { fixture.cli.remove() }
        let text = try fixture.report([])
        #expect(text.status == 0)
        for expected in [
            "5 actions needed", "NO LOGIN FOR MORE THAN 180 DAYS (1)", "PASSWORDS EXPIRED (1)", "old@acme.nl",
            "MUST CHANGE THE PASSWORD",
            "LOCKED ACCOUNTS (1)", "SOURCES WITH THE MOST FAILED LOGINS (1)", "198.51.100.7", "UNKNOWN USER NAMES TRIED",
            "admin", "OPERATOR ACTIONS (1)", "<script>alert(1)</script> (acme)",
        ] {
            #expect(text.stdout.contains(expected), "\(expected)")
        }
        #expect(!text.stdout.contains("SITES"))
        #expect(!text.stdout.contains("REMOVED BY RETENTION"))
        for format in ["text", "markdown", "html", "json"] {
            let output = try fixture.report(["--format", format])
            #expect(output.status == 0)
            #expect(!output.stdout.contains(CLIReportFixture.canary), "the password typed as a user name is not shown")
            #expect(!output.stdout.contains("$y$"))
        }
        let html = try fixture.report(["--format", "html"]).stdout
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<script>"))
    }

    @Test func aReportThatCannotBeWrittenSaysWhereAndWhy() throws {
        let cli = try CLI()
        defer { cli.remove() }
        #expect(try cli.run(["init"]).status == 0)
        let result = try cli.run(["report", "--format", "html", "--output", "/nonexistent-wachter-dir/report.html"])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "Error: cannot write the report file /nonexistent-wachter-dir/report.html: No such file or directory\n")
    }

    @Test func anEmptyWeekIsOneLine() throws {
        let fixture = try CLIReportFixture()
        defer { fixture.cli.remove() }
        // By mid-2026 the passwords are long expired: an empty week needs a fresh store.
        let cli = try CLI()
        defer { cli.remove() }
        #expect(try cli.run(["init"], environment: ["WACHTER_NOW": "2025-01-01T00:00:00Z"]).status == 0)
        let result = try cli.run(["report"], environment: ["WACHTER_NOW": "2025-02-01T00:00:00Z"])
        #expect(result.status == 0)
        #expect(
            result.stdout
                == "Nothing to report for 2025-01-25 to 2025-02-01: no policy violations, no failed-login sources, no operator actions, audit trail intact.\n"
        )
    }

    @Test func siteChecksInTheStoreAreReported() throws {
        let fixture = try CLIReportFixture()
        defer { fixture.cli.remove() }
        let setup = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.executescript('''
            INSERT INTO site (domain, customer_id, created_at) VALUES ('shop.acme.nl', 'acme', 0), ('old.acme.nl', 'acme', 0);
            INSERT INTO site_check (domain, checked_at, verdict, problems, not_after) VALUES
              ('shop.acme.nl', 1735603200, 'critical', 'the certificate expired', 1735430400),
              ('old.acme.nl', 1700000000, 'ok', '', 1767225600);
            ''')
            db.commit()
            """
        #expect(try python(setup, [fixture.cli.store]).status == 0)
        let text = try fixture.report([]).stdout
        #expect(text.contains("SITES WITH CERTIFICATE PROBLEMS (1)"))
        #expect(text.contains("the certificate expired"))
        #expect(text.contains("SITES NOT CHECKED IN THE PERIOD (1)"))
        #expect(text.contains("old.acme.nl"))
        let prune = try fixture.cli.run(["prune", "--json"], environment: ["WACHTER_NOW": "2025-01-01T00:00:00Z"])
        #expect(prune.stdout.contains("\"siteChecks\" : 1"))
    }

    @Test func mailToHandsAMultipartMessageToSendmail() throws {
        let fixture = try CLIReportFixture()
        defer { fixture.cli.remove() }
        let sendmail = fixture.cli.directory + "/sendmail"
        try Data("#!/bin/sh\necho \"$@\" > \"$0.args\"\ncat > \"$0.eml\"\n".utf8).write(to: URL(fileURLWithPath: sendmail))
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: sendmail)
        let result = try fixture.report(
            ["--mail-to", "ops@example.nl", "--mail-from", "wachter@example.nl"], environment: ["WACHTER_SENDMAIL": sendmail])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("Wachter weekly report: 5 actions needed"))
        let parse = """
            import email, email.policy, sys
            m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.strict)
            assert not m.defects, m.defects
            print(m['Subject']); print(m['To']); print(m.get_content_type())
            for p in m.iter_parts(): print(p.get_content_type(), len(p.get_content()) > 100, 'canary-Pa55word' in p.get_content())
            """
        let parsed = try python(parse, [sendmail + ".eml"])
        #expect(parsed.status == 0, "\(parsed.output)")
        #expect(
            parsed.output
                == "Wachter weekly report: 5 actions needed\nops@example.nl\nmultipart/alternative\ntext/plain True False\ntext/html True False\n"
        )
        #expect(try String(contentsOfFile: sendmail + ".args", encoding: .utf8) == "-t -i\n")
        let refused = try fixture.report(["--mail-to", "ops@example.nl"], environment: ["WACHTER_SENDMAIL": "/nonexistent"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("no sendmail program"))
        #expect(try fixture.report(["--mail-to", "not an address"]).status == 64)
    }

    @Test func pruneRemovesOldEventsKeepsNewOnesAndTheAuditStillVerifies() throws {
        let fixture = try CLIReportFixture()
        defer { fixture.cli.remove() }
        let before = try fixture.cli.run(["logins", "--json"])
        let count = (try JSONSerialization.jsonObject(with: Data(before.stdout.utf8)) as? [Any])?.count
        #expect(count == 9)
        try fixture.cli.run(
            ["verify", "jan", "--password-stdin"], stdin: "wrong\n", environment: ["WACHTER_NOW": "2025-01-15T00:00:00Z"])
        let prune = try fixture.cli.run(
            ["prune", "--login-events-days", "10", "--audit-days", "30"], environment: ["WACHTER_NOW": "2025-01-20T00:00:00Z"])
        #expect(prune.status == 0, "\(prune.stderr)")
        #expect(prune.stdout.contains("removed: 9 login events"))
        let after = try fixture.cli.run(["logins", "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [Any])?.count == 1)
        let verify = try fixture.cli.run(["audit", "--verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
        let report = try fixture.report([], now: "2025-01-21T00:00:00Z").stdout
        #expect(report.contains("REMOVED BY RETENTION"))
        #expect(report.contains("login events                          9"))
    }
}
