import Foundation
import Testing
import WachterTestSupport

/// The audit anchor through the built binary: a store edited with sqlite3 behind
/// wachter's back, concurrent writers, and prune.
struct AuditAnchorEndToEndTests {
    static func sqlite(_ store: String, _ sql: String) throws {
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [store, sql]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
    }

    static func trail(_ cli: CLI) throws -> [[String: Any]] {
        let audit = try cli.run(["audit", "--json"])
        return try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [[String: Any]] ?? []
    }

    @Test func deletingTheNewestEntriesWithSqliteFailsAuditVerify() throws {
        let cli = try CLI()
        defer { cli.remove() }
        #expect(try cli.run(["init"]).status == 0)
        for id in ["c1", "c2", "c3", "c4"] { try cli.run(["customer", "add", id, "--name", id]) }
        let head = try #require(try Self.trail(cli).last?["hash"] as? String)
        #expect(try cli.run(["audit", "--verify"]).status == 0)

        try Self.sqlite(cli.store, "DELETE FROM audit WHERE sequence > 2;")
        let text = try cli.run(["audit", "--verify"])
        #expect(text.status == 1)
        #expect(
            text.stdout
                == "audit trail BROKEN: the newest entries were cut off: entries after 2 are missing; the anchor records entry 4 with hash \(head) as the trail's head\n"
        )
        let json = try cli.run(["audit", "--verify", "--json"])
        #expect(json.status == 1)
        let result = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(result?["intact"] as? Bool == false)
        #expect(result?["brokenAt"] as? Int == 3)

        // New changes do not paper over the cut, even once the trail is longer again.
        for id in ["c5", "c6", "c7"] { #expect(try cli.run(["customer", "add", id, "--name", id]).status == 0) }
        let later = try cli.run(["audit", "--verify"])
        #expect(later.status == 1)
        #expect(later.stdout.contains("entry 4 is not the one that was written"))
    }

    @Test func concurrentWritersLeaveAVerifyingTrailAndAnAnchorAtItsHead() throws {
        let cli = try CLI()
        defer { cli.remove() }
        #expect(try cli.run(["init"]).status == 0)
        #expect(try cli.run(["customer", "add", "c1", "--name", "One"]).status == 0)
        let writers = 6
        let perWriter = 4
        try withThrowingTaskGroupSync(count: writers) { writer in
            for index in 0..<perWriter {
                let result = try cli.run([
                    "account", "add", "u\(writer)x\(index)", "--kind", "ftp", "--customer", "c1", "--generate",
                ])
                #expect(result.status == 0, "\(result.stderr)")
                #expect(!result.stderr.contains("warning"), "\(result.stderr)")
            }
        }
        let audit = try cli.run(["audit", "--verify"])
        #expect(audit.status == 0)
        #expect(audit.stdout == "audit trail intact: \(writers * perWriter + 1) entries\n")
        #expect(audit.stderr.isEmpty)
        let last = try #require(try Self.trail(cli).last)
        let anchor = try String(contentsOfFile: cli.store + ".audit-head", encoding: .utf8)
        #expect(anchor == "audit-head sequence=\(writers * perWriter + 1) hash=\(last["hash"] as? String ?? "")\n")
    }

    @Test func anAnchorOthersCanReadIsRefusedLikeTheStore() throws {
        let cli = try CLI()
        defer { cli.remove() }
        #expect(try cli.run(["init"]).status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: cli.store + ".audit-head")
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: cli.store + ".audit-head")
        let result = try cli.run(["audit", "--verify"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("can be read by other users"))
    }

    @Test func pruneMovesTheAnchorAndItsCheckpointStillVerifies() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let then = ["WACHTER_NOW": "2020-01-01T00:00:00Z"]
        #expect(try cli.run(["init"], environment: then).status == 0)
        for id in ["c1", "c2", "c3"] { try cli.run(["customer", "add", id, "--name", id], environment: then) }
        // Ten years on, the audit retention (seven years) removes the head of the trail.
        let later = ["WACHTER_NOW": "2030-01-01T00:00:00Z"]
        let prune = try cli.run(["prune"], environment: later)
        #expect(prune.status == 0, "\(prune.stderr)")
        let trail = try Self.trail(cli)
        #expect(trail.map { $0["action"] as? String } == ["prune"])
        let anchor = try String(contentsOfFile: cli.store + ".audit-head", encoding: .utf8)
        #expect(anchor == "audit-head sequence=4 hash=\(trail.last?["hash"] as? String ?? "")\n")
        let verify = try cli.run(["audit", "--verify"], environment: later)
        #expect(verify.stdout == "audit trail intact: 1 entries\n")
        #expect(verify.status == 0)
    }
}
