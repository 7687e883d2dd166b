import Foundation
import Testing

@testable import WachterCore

struct LoginServiceDeferredLoginTests {
    @Test func checkOnlyReadsAndApplyWritesTheSameAsVerify() throws {
        let fixture = try SelfServiceFixture()
        defer { fixture.remove() }
        let service = fixture.service
        let (outcome, effects) = try service.logins.check(
            account: "info@example.nl", password: Secret("first-password-1"), service: "imap", source: "192.0.2.3")
        #expect(outcome.result == .success)
        #expect(try service.logins.events().isEmpty)
        let (wrong, failure) = try service.logins.check(
            account: "info@example.nl", password: Secret("wrong-wrong"), service: "imap", source: nil)
        #expect(wrong.result == .failure)
        try service.logins.apply([failure, effects])
        let events = try service.logins.events()
        #expect(events.map(\.result).sorted { $0.rawValue < $1.rawValue } == [.failure, .success])
        let account = try service.accounts.account(named: "info@example.nl")
        #expect(account.failures == 0)
        #expect(account.lastLogin != nil)
    }

    @Test func aLegacyHashIsReplacedWhenTheEffectsAreApplied() throws {
        let fixture = try SelfServiceFixture()
        defer { fixture.remove() }
        let service = fixture.service
        let legacy = try PasswordHasher(policy: HashingPolicy(method: .sha512crypt)).hash(Secret("first-password-1"))
        try service.context.store.write { writer in
            var account = try #require(try writer.account(named: "info@example.nl"))
            account.hash = legacy
            try writer.update(account)
        }
        let (_, effects) = try service.logins.check(
            account: "info@example.nl", password: Secret("first-password-1"), service: "t", source: nil)
        #expect(effects.rehash?.old == legacy)
        try service.logins.apply([effects])
        #expect(try service.context.store.read { try $0.account(named: "info@example.nl")?.hash }?.hasPrefix("$y$") == true)
    }

    @Test func unknownAndLockedAccountsChangeNoCounters() throws {
        let fixture = try SelfServiceFixture()
        defer { fixture.remove() }
        let service = fixture.service
        try service.accounts.lock(account: "info@example.nl")
        let (locked, effects) = try service.logins.check(
            account: "info@example.nl", password: Secret("first-password-1"), service: "t", source: nil)
        #expect(locked.result == .locked)
        #expect(effects.account == nil)
        let (unknown, _) = try service.logins.check(
            account: "nobody@example.nl", password: Secret("x"), service: "t", source: nil)
        #expect(unknown.result == .unknownUser)
    }
}
