import Foundation
import Testing
import WachterCore
import WachterTestSupport

/// A clock the test moves.
final class MovingClock: WachterClock, @unchecked Sendable {
    private let lock = NSLock()
    private var time: Date
    init(_ time: Date) { self.time = time }
    func now() -> Date { lock.withLock { time } }
    func advance(_ seconds: TimeInterval) { lock.withLock { time = time.addingTimeInterval(seconds) } }
}

struct HostServiceTests {
    @Test(arguments: StoreBackend.available)
    func aHostNotSeenForLongerThanTheLimitIsStale(backend: StoreBackend) throws {
        let clock = MovingClock(Date(timeIntervalSince1970: 1_800_000_000))
        let fixture = try HostsFixture(backend, clock: clock)
        defer { fixture.remove() }
        let started = clock.now()
        try fixture.mx1.hosts.beat(startedAt: started, position: 3)
        try fixture.mx2.hosts.beat(startedAt: started, position: 0)
        clock.advance(60)
        try fixture.mx1.hosts.beat(startedAt: started, position: 5)
        clock.advance(40)
        let hosts = try fixture.mx1.hosts.list(staleAfter: 90)
        #expect(hosts.map(\.name) == ["mx1", "mx2"])
        #expect(hosts.map(\.stale) == [false, true])
        #expect(hosts.first?.position == 5)
        #expect(hosts.first?.version == WachterVersion.string)
        #expect(try fixture.mx1.hosts.current()?.position == 5)
    }

    @Test(arguments: StoreBackend.available)
    func aHostThatOnlyExportedIsListedWithItsFilesAndStale(backend: StoreBackend) throws {
        let fixture = try HostsFixture(backend)
        defer { fixture.remove() }
        let path = fixture.directory + "/users"
        _ = try fixture.mx2.exports.export(
            ExportConfiguration.Target(format: .dovecot, path: path), configuration: ExportConfiguration())
        let hosts = try fixture.mx1.hosts.list(staleAfter: 90)
        #expect(hosts.map(\.name) == ["mx2"])
        #expect(hosts.first?.stale == true)
        #expect(hosts.first?.targets.map(\.path) == [path])
        #expect(hosts.first?.targets.first?.writtenAt != nil)
    }
}
