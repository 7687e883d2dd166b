import Foundation
import Synchronization
import Testing
import WachterCore
import WachterTestSupport

/// A PostgreSQL store announces every commit that appends an audit entry, to listeners
/// on connections of their own (docs/HOSTS.md).
struct PostgresChangesTests {
    @Test(arguments: StoreBackend.available.filter { $0 == .postgres })
    func aCommitOnOneConnectionIsAnnouncedToAListenerOnAnother(backend: StoreBackend) async throws {
        let fixture = try HostsFixture(backend)
        defer { fixture.remove() }
        let signals = Mutex(0)
        let (events, signal) = AsyncStream.makeStream(of: Int.self)
        let listener = Task {
            try await fixture.mx2.changes.listen {
                let count = signals.withLock { value in
                    value += 1
                    return value
                }
                signal.yield(count)
            }
        }
        var iterator = events.makeAsyncIterator()
        // The first signal says listening has begun.
        #expect(await iterator.next() == 1)
        _ = try fixture.mx1.accounts.add(
            name: "jan", kind: .ftp, customerID: "acme", password: .given(Secret("Canary-listen-1-hagelslag")))
        #expect(await iterator.next() == 2)
        // A rolled-back write is never announced; the next commit is.
        #expect(throws: WachterError.self) {
            _ = try fixture.mx1.accounts.add(
                name: "jan", kind: .ftp, customerID: "acme", password: .given(Secret("Canary-listen-2-hagelslag")))
        }
        try fixture.mx1.accounts.lock(account: "jan")
        #expect(await iterator.next() == 3)
        listener.cancel()
        _ = await listener.result
    }

    @Test(arguments: StoreBackend.available.filter { $0 == .sqlite })
    func aSQLiteStoreRefusesToListen(backend: StoreBackend) async throws {
        let fixture = try HostsFixture(backend)
        defer { fixture.remove() }
        await #expect(throws: WachterError.self) { try await fixture.mx1.changes.listen {} }
    }
}
