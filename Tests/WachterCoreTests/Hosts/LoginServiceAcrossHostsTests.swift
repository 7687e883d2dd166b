import Foundation
import Testing
import WachterCore
import WachterTestSupport

/// Lockout and throttling count the failures every host recorded in the shared store.
struct LoginServiceAcrossHostsTests {
    static func failure(_ account: String, from source: String, repeated: Bool = false) -> LoginEvent {
        LoginEvent(
            time: Date(), account: account, service: "imap", source: source, result: .failure, reason: "wrong password",
            repeated: repeated)
    }

    @Test(arguments: StoreBackend.available)
    func failuresOnAnotherHostCountTowardsTheLockout(backend: StoreBackend) throws {
        let fixture = try HostsFixture(backend)
        defer { fixture.remove() }
        _ = try fixture.mx1.accounts.add(
            name: "info@acme.nl", kind: .mailbox, customerID: "acme", password: .given(Secret("Canary-hosts-1-drop")))
        let settings = LockoutSettings(failures: 4)
        // mx1 recorded two counted failures and a repeat; mx2 sees its own first one.
        try fixture.mx1.logins.record([
            Self.failure("info@acme.nl", from: "192.0.2.1"), Self.failure("info@acme.nl", from: "192.0.2.1"),
            Self.failure("info@acme.nl", from: "192.0.2.1", repeated: true),
        ])
        try fixture.mx2.logins.record([Self.failure("info@acme.nl", from: "198.51.100.2")])
        #expect(try fixture.mx2.logins.applyLockout(account: "info@acme.nl", recentFailures: 1, settings: settings) == nil)
        try fixture.mx2.logins.record([Self.failure("info@acme.nl", from: "198.51.100.2")])
        #expect(try fixture.mx2.logins.applyLockout(account: "info@acme.nl", recentFailures: 2, settings: settings) != nil)
        #expect(try fixture.mx1.accounts.standing(account: "info@acme.nl") == .locked)
        // Every host's failures from one source are counted together.
        #expect(try fixture.mx2.logins.countedFailures(source: "192.0.2.1", since: .distantPast) == 2)
        #expect(try fixture.mx1.logins.countedFailures(source: "198.51.100.2", since: .distantPast) == 2)
    }

    @Test(arguments: StoreBackend.available)
    func aSuccessOnAnyHostEndsTheCount(backend: StoreBackend) throws {
        let fixture = try HostsFixture(backend)
        defer { fixture.remove() }
        _ = try fixture.mx1.accounts.add(
            name: "info@acme.nl", kind: .mailbox, customerID: "acme", password: .given(Secret("Canary-hosts-2-drop")))
        try fixture.mx1.logins.record((0..<3).map { _ in Self.failure("info@acme.nl", from: "192.0.2.1") })
        #expect(
            try fixture.mx2.logins.verify(
                account: "info@acme.nl", password: Secret("Canary-hosts-2-drop"), service: "imap", source: nil
            ).result
                == .success)
        try fixture.mx1.logins.record([Self.failure("info@acme.nl", from: "192.0.2.1")])
        #expect(
            try fixture.mx1.logins.applyLockout(
                account: "info@acme.nl", recentFailures: 1, settings: LockoutSettings(failures: 4))
                == nil)
    }
}
