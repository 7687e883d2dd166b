import Foundation
import Testing
import WachterCore

struct CredentialServiceDeferredLoginTests {
    @Test func checkOnlyReadsAndApplyWritesTheSameAsVerify() throws {
        let fixture = try SelfServiceFixture()
        defer { fixture.remove() }
        let service = fixture.service
        let (outcome, effects) = try service.check(
            account: "info@example.nl", password: Secret("first-password-1"), service: "imap", source: "192.0.2.3")
        #expect(outcome.result == .success)
        #expect(try service.logins().isEmpty)
        let (wrong, failure) = try service.check(
            account: "info@example.nl", password: Secret("wrong-wrong"), service: "imap", source: nil)
        #expect(wrong.result == .failure)
        try service.apply([failure, effects])
        let events = try service.logins()
        #expect(events.map(\.result).sorted { $0.rawValue < $1.rawValue } == [.failure, .success])
        let account = try service.account(named: "info@example.nl")
        #expect(account.failures == 0)
        #expect(account.lastLogin != nil)
    }

    @Test func aLegacyHashIsReplacedWhenTheEffectsAreApplied() throws {
        let fixture = try SelfServiceFixture()
        defer { fixture.remove() }
        let service = fixture.service
        let legacy = try PasswordHasher(policy: HashingPolicy(method: .sha512crypt)).hash(Secret("first-password-1"))
        try service.store.write { writer in
            var account = try #require(try writer.account(named: "info@example.nl"))
            account.hash = legacy
            try writer.update(account)
        }
        let (_, effects) = try service.check(
            account: "info@example.nl", password: Secret("first-password-1"), service: "t", source: nil)
        #expect(effects.rehash?.old == legacy)
        try service.apply([effects])
        #expect(try service.store.read { try $0.account(named: "info@example.nl")?.hash }?.hasPrefix("$y$") == true)
    }

    @Test func unknownAndLockedAccountsChangeNoCounters() throws {
        let fixture = try SelfServiceFixture()
        defer { fixture.remove() }
        let service = fixture.service
        try service.lock(account: "info@example.nl")
        let (locked, effects) = try service.check(
            account: "info@example.nl", password: Secret("first-password-1"), service: "t", source: nil)
        #expect(locked.result == .locked)
        #expect(effects.account == nil)
        let (unknown, _) = try service.check(account: "nobody@example.nl", password: Secret("x"), service: "t", source: nil)
        #expect(unknown.result == .unknownUser)
    }
}
