import Foundation
import Testing

@testable import WachterCore

/// A store with one mailbox in a temporary directory.
struct SelfServiceFixture {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wachter-core-\(UUID().uuidString)").path
    let service: WachterServices

    init() throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let store = try SQLiteStore(path: directory + "/wachter.sqlite", create: true)
        service = WachterServices(
            context: ServiceContext(
                store: store, hasher: try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 1)), actor: "test"))
        _ = try service.customers.add(id: "acme", name: "Acme")
        _ = try service.accounts.add(
            name: "info@example.nl", kind: .mailbox, customerID: "acme", password: .given(Secret("first-password-1")))
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

struct AccountServiceSelfServiceTests {
    @Test func theOwnerChangesThePasswordWithTheCurrentOne() throws {
        let fixture = try SelfServiceFixture()
        defer { fixture.remove() }
        let service = fixture.service
        #expect(
            try service.accounts.changePassword(
                account: "info@example.nl", old: Secret("first-password-1"), new: Secret("second-password-2"))
                == .changed(followUpFailures: []))
        #expect(
            try service.logins.verify(
                account: "info@example.nl", password: Secret("second-password-2"), service: "t", source: nil
            )
            .result == .success)
        #expect(try service.audit.trail().last?.action == "password.change")
    }

    @Test func aWrongCurrentPasswordChangesNothing() throws {
        let fixture = try SelfServiceFixture()
        defer { fixture.remove() }
        let outcome = try fixture.service.accounts.changePassword(
            account: "info@example.nl", old: Secret("nope-nope"), new: Secret("second-password-2"))
        guard case .rejected(let verification) = outcome else {
            Issue.record("expected a rejection, got \(outcome)")
            return
        }
        #expect(verification.result == .failure)
    }

    @Test func theRulesAndTheHistoryApply() throws {
        let fixture = try SelfServiceFixture()
        defer { fixture.remove() }
        let service = fixture.service
        guard
            case .refused(let short) = try service.accounts.changePassword(
                account: "info@example.nl", old: Secret("first-password-1"), new: Secret("short"))
        else {
            Issue.record("a short password was not refused")
            return
        }
        #expect(short.contains("at least 8"))
        guard
            case .refused(let reused) = try service.accounts.changePassword(
                account: "info@example.nl", old: Secret("first-password-1"), new: Secret("first-password-1"))
        else {
            Issue.record("a reused password was not refused")
            return
        }
        #expect(reused.contains("used before"))
    }

    @Test func aResetAccountMustChangeAndTheChangeClearsIt() throws {
        let fixture = try SelfServiceFixture()
        defer { fixture.remove() }
        let service = fixture.service
        let temporary = try service.accounts.reset(account: "info@example.nl")
        #expect(try service.accounts.standing(account: "info@example.nl") == .mustChange)
        #expect(
            try service.accounts.changePassword(account: "info@example.nl", old: temporary, new: Secret("third-password-3"))
                == .changed(followUpFailures: []))
        #expect(try service.accounts.standing(account: "info@example.nl") == .good)
        #expect(try service.accounts.standing(account: "nobody@example.nl") == .unknown)
    }

    @Test func lockoutLocksAtTheThresholdAndAtTheHardCap() throws {
        let fixture = try SelfServiceFixture()
        defer { fixture.remove() }
        let service = fixture.service
        let settings = LockoutSettings(failures: 3)
        #expect(try service.logins.applyLockout(account: "info@example.nl", recentFailures: 2, settings: settings) == nil)
        #expect(try service.logins.applyLockout(account: "info@example.nl", recentFailures: 3, settings: settings) != nil)
        #expect(try service.accounts.standing(account: "info@example.nl") == .locked)
        try service.accounts.unlock(account: "info@example.nl")
        try service.context.store.write { writer in
            var account = try #require(try writer.account(named: "info@example.nl"))
            account.failures = LockoutSettings.hardCap
            try writer.update(account)
        }
        #expect(try service.logins.applyLockout(account: "info@example.nl", recentFailures: 1, settings: settings) != nil)
    }
}
