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

    @Test(arguments: StoreBackend.available)
    func onlyAPostgreSQLStoreIsShared(backend: StoreBackend) throws {
        let fixture = try HostsFixture(backend)
        defer { fixture.remove() }
        #expect(fixture.mx1.changes.isShared == (backend == .postgres))
    }
}
