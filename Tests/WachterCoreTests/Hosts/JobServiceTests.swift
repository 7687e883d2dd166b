import Foundation
import Testing
import WachterCore
import WachterTestSupport

struct JobServiceTests {
    @Test(arguments: StoreBackend.available)
    func ofTwoHostsStartingAJobOnlyTheFirstRunsItWithinTheInterval(backend: StoreBackend) async throws {
        let clock = FixedClock(Date(timeIntervalSince1970: 1_800_000_000))
        let fixture = try HostsFixture(backend, clock: clock)
        defer { fixture.remove() }
        var runs = 0
        let first = try await fixture.mx1.jobs.once("prune", per: 3600) { runs += 1 }
        let second = try await fixture.mx2.jobs.once("prune", per: 3600) { runs += 1 }
        #expect(runs == 1)
        guard case .ran = first, case .skipped(let earlier) = second else {
            Issue.record("expected mx1 to run and mx2 to skip")
            return
        }
        #expect(earlier.host == "mx1")
        #expect(earlier.outcome == "ok")
        // Another job is not held back; without an interval a job always runs.
        guard case .ran = try await fixture.mx2.jobs.once("report", per: 3600, { runs += 1 }) else {
            Issue.record("report should run")
            return
        }
        guard case .ran = try await fixture.mx2.jobs.once("prune", per: nil, { runs += 1 }) else {
            Issue.record("an unclaimed run should run")
            return
        }
        #expect(runs == 3)
        let listed = try fixture.mx1.hosts.list(staleAfter: 90)
        #expect(listed.map(\.name) == ["mx1", "mx2"])
        #expect(listed.first?.jobs.map(\.job) == ["prune"])
        #expect(listed.last?.jobs.map(\.job) == ["report"])
    }

    @Test(arguments: StoreBackend.available)
    func aFailedRunIsRecordedAsFailedAndItsErrorReachesTheCaller(backend: StoreBackend) async throws {
        let fixture = try HostsFixture(backend)
        defer { fixture.remove() }
        struct Boom: Error {}
        await #expect(throws: Boom.self) { _ = try await fixture.mx1.jobs.once("site-check", per: 60) { throw Boom() } }
        let run = try #require(try fixture.mx1.hosts.list(staleAfter: 90).first?.jobs.first)
        #expect(run.job == "site-check")
        #expect(run.outcome == "failed")
        #expect(run.finishedAt != nil)
    }
}
