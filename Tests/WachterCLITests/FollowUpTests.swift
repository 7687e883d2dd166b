import Foundation
import Testing
import WachterTestSupport

/// The follow-up after a change (re-export, cache flush) runs from one place, once per change.
@Suite(.serialized)
struct FollowUpTests {
    static let first = "correct horse battery staple 42"
    static let second = "velvet tangerine orbit lantern 77"

    /// A cache flush command that appends the account it is run for to a log.
    static func flushCommand(in cli: CLI) throws -> (environment: [String: String], log: String) {
        let log = cli.directory + "/flush.log"
        let script = cli.directory + "/flush.sh"
        try "#!/bin/sh\necho \"$1\" >> \(log)\n".write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        return (["WACHTER_CACHE_FLUSH": "\(script) %u"], log)
    }

    static func flushes(_ log: String) -> [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func aCustomersOwnChangeThroughTheHookFlushesOnce() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let (environment, log) = try Self.flushCommand(in: cli)
        #expect(try cli.run(["init"]).status == 0)
        #expect(try cli.run(["customer", "add", "acme", "--name", "Acme"]).status == 0)
        let add = try cli.run(
            ["account", "add", "jan", "--kind", "ftp", "--customer", "acme", "--password-stdin"], stdin: Self.first + "\n",
            environment: environment)
        #expect(add.status == 0, "\(add.stderr)")
        #expect(Self.flushes(log) == ["jan"])
        let change = try cli.run(
            ["hook", "change-password"], stdin: "jan\n\(Self.first)\n\(Self.second)\n", environment: environment)
        #expect(change.status == 0, "\(change.stderr)")
        #expect(Self.flushes(log) == ["jan", "jan"], "one change, one flush")
        #expect(change.stderr.split(separator: "\n").count == 1, "the hook's message is one line")
    }

    @Test func operatorChangesFlushOncePerChange() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let (environment, log) = try Self.flushCommand(in: cli)
        #expect(try cli.run(["init"]).status == 0)
        #expect(try cli.run(["customer", "add", "acme", "--name", "Acme"]).status == 0)
        _ = try cli.run(
            ["account", "add", "jan", "--kind", "ftp", "--customer", "acme", "--password-stdin"], stdin: Self.first + "\n")
        #expect(try cli.run(["lock", "jan"], environment: environment).status == 0)
        #expect(try cli.run(["unlock", "jan"], environment: environment).status == 0)
        #expect(
            try cli.run(["passwd", "jan", "--password-stdin"], stdin: Self.second + "\n", environment: environment).status == 0)
        #expect(Self.flushes(log) == ["jan", "jan", "jan"])
    }

    @Test func aFailedFlushAfterTheHooksChangeExitsThreeAndTheChangeStays() throws {
        let cli = try CLI()
        defer { cli.remove() }
        #expect(try cli.run(["init"]).status == 0)
        #expect(try cli.run(["customer", "add", "acme", "--name", "Acme"]).status == 0)
        _ = try cli.run(
            ["account", "add", "jan", "--kind", "ftp", "--customer", "acme", "--password-stdin"], stdin: Self.first + "\n")
        let change = try cli.run(
            ["hook", "change-password"], stdin: "jan\n\(Self.first)\n\(Self.second)\n",
            environment: ["WACHTER_CACHE_FLUSH": "/bin/false %u"])
        #expect(change.status == 3)
        #expect(change.stderr.contains("the password was changed"))
        #expect(try cli.run(["verify", "jan", "--password-stdin"], stdin: Self.second + "\n").status == 0)
    }
}
