import Foundation
import Testing
import WachterCore

/// A store with one mailbox in a temporary directory.
struct SelfServiceFixture {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wachter-core-\(UUID().uuidString)").path
    let service: CredentialService

    init() throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let store = try SQLiteStore(path: directory + "/wachter.sqlite", create: true)
        service = CredentialService(
            store: store, hasher: try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 1)), actor: "test")
        _ = try service.addCustomer(id: "acme", name: "Acme")
        _ = try service.addAccount(
            name: "info@example.nl", kind: .mailbox, customerID: "acme", password: .given(Secret("first-password-1")))
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

struct CredentialServiceSelfServiceTests {
    @Test func theOwnerChangesThePasswordWithTheCurrentOne() throws {
        let fixture = try SelfServiceFixture()
        defer { fixture.remove() }
        let service = fixture.service
        #expect(
            try service.changePassword(
                account: "info@example.nl", old: Secret("first-password-1"), new: Secret("second-password-2")) == .changed)
        #expect(
            try service.verify(account: "info@example.nl", password: Secret("second-password-2"), service: "t", source: nil)
                .result == .success)
        #expect(try service.auditTrail().last?.action == "password.change")
    }

    @Test func aWrongCurrentPasswordChangesNothing() throws {
        let fixture = try SelfServiceFixture()
        defer { fixture.remove() }
        let outcome = try fixture.service.changePassword(
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
            case .refused(let short) = try service.changePassword(
                account: "info@example.nl", old: Secret("first-password-1"), new: Secret("short"))
        else {
            Issue.record("a short password was not refused")
            return
        }
        #expect(short.contains("at least 8"))
        guard
            case .refused(let reused) = try service.changePassword(
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
        let temporary = try service.reset(account: "info@example.nl")
        #expect(try service.standing(account: "info@example.nl") == .mustChange)
        #expect(
            try service.changePassword(account: "info@example.nl", old: temporary, new: Secret("third-password-3")) == .changed)
        #expect(try service.standing(account: "info@example.nl") == .good)
        #expect(try service.standing(account: "nobody@example.nl") == .unknown)
    }

    @Test func lockoutLocksAtTheThresholdAndAtTheHardCap() throws {
        let fixture = try SelfServiceFixture()
        defer { fixture.remove() }
        let service = fixture.service
        let settings = AgentLockoutSettings(failures: 3)
        #expect(try service.applyLockout(account: "info@example.nl", recentFailures: 2, settings: settings) == nil)
        #expect(try service.applyLockout(account: "info@example.nl", recentFailures: 3, settings: settings) != nil)
        #expect(try service.standing(account: "info@example.nl") == .locked)
        try service.unlock(account: "info@example.nl")
        try service.store.write { writer in
            var account = try #require(try writer.account(named: "info@example.nl"))
            account.failures = AgentLockoutSettings.hardCap
            try writer.update(account)
        }
        #expect(try service.applyLockout(account: "info@example.nl", recentFailures: 1, settings: settings) != nil)
    }
}
