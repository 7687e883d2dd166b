import Foundation
import Testing

@testable import WachterCore

struct LoginSourceSealingTests {
    let directory: TemporaryDirectory
    let services: WachterServices
    let store: SQLiteStore
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        directory = try TemporaryDirectory()
        store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        var services = WachterServices(
            context: ServiceContext(
                store: store, hasher: try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 1)),
                lockout: LockoutSettings(sourceFailures: 3, sourceWindow: 3600),
                clock: FixedClock(now), actor: "tester"))
        services.protectFields(.keys(FieldCipher(ring: KeyRing([KeyRing.Entry.generate()])!)))
        self.services = services
        try services.customers.add(id: "acme", name: "Acme")
        try services.accounts.add(
            name: "jan", kind: .ftp, customerID: "acme", password: .given(Secret("a long enough password")))
    }

    @Test func theSourceIsSealedWithItsDigestBesideItAndOpensForTheLogins() throws {
        _ = try services.logins.verify(
            account: "jan", password: Secret("wrong password!"), service: "cli", source: "198.51.100.7")
        let stored = try #require(
            try store.read { try $0.loginEvents(account: nil, since: nil, failedOnly: false, limit: nil) }.first)
        #expect(stored.source.map(FieldCipher.isSealed) == true)
        #expect(stored.sourceDigest?.contains("198.51") == false)
        #expect(try services.logins.events().first?.source == "198.51.100.7")
    }

    @Test func throttlingBySourceStillCountsThroughTheDigest() throws {
        for _ in 0..<3 {
            _ = try services.logins.verify(
                account: "piet", password: Secret("any password here"), service: "cli", source: "203.0.113.9")
        }
        let outcome = try services.logins.verify(
            account: "jan", password: Secret("a long enough password"), service: "cli", source: "203.0.113.9")
        #expect(outcome.result == .locked)
        #expect(outcome.reason?.contains("203.0.113.9") == false)
        let other = try services.logins.verify(
            account: "jan", password: Secret("a long enough password"), service: "cli", source: "203.0.113.10")
        #expect(other.result == .success)
    }

    @Test func aSourceCopiedToAnotherAccountsRecordDoesNotDecrypt() throws {
        _ = try services.logins.verify(
            account: "jan", password: Secret("wrong password!"), service: "cli", source: "198.51.100.7")
        let sealed = try #require(
            try store.read { try $0.loginEvents(account: "jan", since: nil, failedOnly: false, limit: 1) }.first?.source)
        try store.write { writer in
            try writer.insert(LoginEvent(time: now, account: "piet", service: "cli", source: sealed, result: .unknownUser))
        }
        #expect { try services.logins.events(account: "piet") } throws: { ($0 as? WachterError)?.code == .decryptionFailed }
    }
}
