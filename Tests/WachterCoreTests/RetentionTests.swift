import Foundation
import Testing
import WachterCore

struct RetentionTests {
    @Test func eventsOlderThanThePeriodGoAndNewerOnesStay() throws {
        let fixture = try ReportFixture(rich: false)
        try fixture.at(-400).customers.add(id: "c", name: "C")
        try fixture.add("jan", .ftp, "c", day: -400)
        for day in [-200.0, -91, -89, -1] { try fixture.login("jan", good: true, day: day, source: "192.0.2.1") }
        let result = try fixture.at(0).retention.prune(RetentionPeriods(loginEventsDays: 90))
        #expect(result.loginEvents == 2)
        let left = try fixture.store.read { try $0.loginEvents(account: nil, since: nil, failedOnly: false, limit: nil) }
        #expect(left.map(\.time) == [ReportFixture.day(-1), ReportFixture.day(-89)])
        #expect(try fixture.at(0).audit.verify() == .intact(count: 3))
        #expect(try fixture.at(0).audit.trail().last?.action == "prune")
    }

    @Test func theAuditTrailIsReplacedByACheckpointAndStillVerifies() throws {
        let fixture = try ReportFixture(rich: false)
        try fixture.at(-3000).customers.add(id: "c", name: "C")
        try fixture.add("jan", .ftp, "c", day: -2900)
        try fixture.at(-2800).accounts.lock(account: "jan")
        try fixture.at(-10).accounts.unlock(account: "jan")
        let first = try fixture.at(0).retention.prune(RetentionPeriods(auditDays: 2557))
        #expect(first.auditEntries == 3)
        #expect(first.auditCheckpoint == 3)
        let trail = try fixture.at(0).audit.trail()
        #expect(trail.map(\.sequence) == [4, 5])
        #expect(try fixture.at(0).audit.verify() == .intact(count: 2))
        // A second prune moves the checkpoint past the first prune's own entry.
        try fixture.at(1).accounts.lock(account: "jan")
        let second = try fixture.at(3000).retention.prune(RetentionPeriods(auditDays: 1))
        #expect(second.auditCheckpoint == 6)
        #expect(try fixture.at(3000).audit.verify() == .intact(count: 1))
        // The chain goes on after the checkpoint.
        try fixture.at(3001).accounts.unlock(account: "jan")
        #expect(try fixture.at(3001).audit.verify() == .intact(count: 2))
        let report = try fixture.report(at: 3001.5)
        #expect(report.audit.intact)
        #expect(report.retention.auditEntries == 3)
    }

    @Test func historyBeyondItsAgeOrDepthGoes() throws {
        let fixture = try ReportFixture(rich: false)
        try fixture.at(-1000).customers.add(id: "c", name: "C")
        try fixture.add("jan", .ftp, "c", day: -1000)
        for day in [-900.0, -800, -10, -5] {
            try fixture.at(day).accounts.setPassword(account: "jan", to: Secret(ReportFixture.canary + String(day)))
        }
        #expect(try fixture.store.read { try $0.passwordHistory(account: "jan", limit: 10) }.count == 4)
        let result = try fixture.at(0).retention.prune(RetentionPeriods(passwordHistoryDays: 730, passwordHistoryDepth: 1))
        #expect(result.passwordHistory == 3)
        #expect(try fixture.store.read { try $0.passwordHistory(account: "jan", limit: 10) }.count == 1)
    }

    @Test func aBrokenTrailIsNotPruned() throws {
        let fixture = try ReportFixture(rich: false)
        try fixture.at(-3000).customers.add(id: "c", name: "C")
        try fixture.store.write { writer in
            try writer.append(
                AuditEntry(
                    sequence: 2, time: ReportFixture.day(-2999), actor: "mallory", action: "forged", target: "x", detail: "",
                    previousHash: "bad", hash: "bad"))
        }
        let result = try fixture.at(0).retention.prune(RetentionPeriods(auditDays: 1))
        #expect(result.auditEntries == 0)
        #expect(result.auditSkipped?.contains("does not verify") == true)
        #expect(try fixture.at(0).audit.trail().count == 2)
    }

    @Test func nothingToRemoveAddsNoAuditEntry() throws {
        let fixture = try ReportFixture(rich: false)
        try fixture.at(-1).customers.add(id: "c", name: "C")
        let result = try fixture.at(0).retention.prune(RetentionPeriods())
        #expect(result.loginEvents == 0)
        #expect(result.siteChecks == 0)
        #expect(try fixture.at(0).audit.trail().count == 1)
        #expect(try fixture.report(at: 0.5).retention.runs == 1)
    }
}
