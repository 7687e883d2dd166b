import Foundation
import Testing
import WachterCore
import WachterTestSupport

struct ChangeFeedTests {
    @Test(arguments: StoreBackend.available)
    func anotherHostsChangesAreFollowedAsOneChangeWithTheirKinds(backend: StoreBackend) throws {
        let fixture = try HostsFixture(backend)
        defer { fixture.remove() }
        let start = try fixture.mx2.changes.head()
        _ = try fixture.mx1.accounts.add(
            name: "info@acme.nl", kind: .mailbox, customerID: "acme", password: .given(Secret("Canary-feed-1-stroopwafel")))
        _ = try fixture.mx1.accounts.add(
            name: "jan", kind: .ftp, customerID: "acme", password: .given(Secret("Canary-feed-2-stroopwafel")))
        try fixture.mx1.accounts.lock(account: "jan")
        let (change, position) = try fixture.mx2.changes.changes(after: start)
        #expect(change?.accounts == ["info@acme.nl", "jan"])
        #expect(change?.kinds == [.mailbox, .ftp])
        #expect(position == (try fixture.mx1.changes.head()))
        // Nothing new after that position; a site (not in any export) moves it on without a change.
        #expect(try fixture.mx2.changes.changes(after: position).change == nil)
        _ = try fixture.mx1.sites.add(domain: "acme.nl", customerID: "acme")
        let (none, later) = try fixture.mx2.changes.changes(after: position)
        #expect(none == nil)
        #expect(later > position)
    }

    @Test(arguments: StoreBackend.available)
    func aRemovedAccountIsAChangeOfEveryKind(backend: StoreBackend) throws {
        let fixture = try HostsFixture(backend)
        defer { fixture.remove() }
        _ = try fixture.mx1.accounts.add(
            name: "jan", kind: .ftp, customerID: "acme", password: .given(Secret("Canary-feed-3-stroopwafel")))
        let start = try fixture.mx2.changes.head()
        try fixture.mx1.accounts.remove(named: "jan")
        let change = try #require(try fixture.mx2.changes.changes(after: start).change)
        #expect(change.accounts == ["jan"])
        #expect(change.kinds == Set(AccountKind.allCases))
    }

    @Test(arguments: StoreBackend.available)
    func followRunsThisHostsObserverOnceAndMovesOn(backend: StoreBackend) throws {
        let fixture = try HostsFixture(backend)
        defer { fixture.remove() }
        _ = try fixture.mx1.accounts.add(
            name: "info@acme.nl", kind: .mailbox, customerID: "acme", password: .given(Secret("Canary-feed-4-stroopwafel")))
        var mx2 = fixture.mx2
        let recorder = ChangeRecorder()
        mx2.observeChanges(recorder)
        let start = try mx2.changes.head()
        _ = try fixture.mx1.accounts.reset(account: "info@acme.nl")
        let (position, failures) = try mx2.changes.follow(after: start)
        #expect(failures.isEmpty)
        #expect(recorder.changes == [CredentialChange(action: "follow", accounts: ["info@acme.nl"], kinds: [.mailbox])])
        #expect(try mx2.changes.follow(after: position).position == position)
        #expect(recorder.changes.count == 1)
    }

    /// A host does not follow its own changes again: each audit entry carries the host
    /// whose store connection appended it (a second cache flush per change otherwise).
    @Test(arguments: StoreBackend.available)
    func aHostSkipsItsOwnChangesAndFollowsTheOthers(backend: StoreBackend) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let location = try backend.location(in: directory)
        func services(_ host: String) throws -> WachterServices {
            var services = WachterServices(
                context: ServiceContext(
                    store: try location.open(create: true, host: host), hasher: try cheapHasher(), actor: "test"))
            try services.runOnHost(host)
            return services
        }
        let mx1 = try services("mx1")
        let mx2 = try services("mx2")
        _ = try mx1.customers.add(id: "acme", name: "Acme")
        let start = try mx1.changes.head()
        _ = try mx1.accounts.add(
            name: "jan", kind: .ftp, customerID: "acme", password: .given(Secret("Canary-feed-5-stroopwafel")))
        #expect(try mx1.audit.trail().last?.host == "mx1")
        #expect(try mx1.changes.changes(after: start).change == nil)
        #expect(try mx1.changes.changes(after: start).position == (try mx1.changes.head()))
        #expect(try mx2.changes.changes(after: start).change?.accounts == ["jan"])
        try mx2.accounts.lock(account: "jan")
        #expect(try mx1.changes.changes(after: start).change?.accounts == ["jan"])
    }

    @Test(arguments: StoreBackend.available)
    func onlyAPostgreSQLStoreIsShared(backend: StoreBackend) throws {
        let fixture = try HostsFixture(backend)
        defer { fixture.remove() }
        #expect(fixture.mx1.changes.isShared == (backend == .postgres))
    }
}
