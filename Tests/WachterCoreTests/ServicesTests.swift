import Foundation
import InMemoryLogging
import Logging
import Testing

@testable import WachterCore

private let longPassword = "Canary-Names-2d7e-speculaas-pepernoot"

struct ServicesTests {
    let directory: TemporaryDirectory
    let service: WachterServices
    let logs = InMemoryLogHandler()

    init() throws {
        directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        var handler = logs
        handler.logLevel = .trace
        let logger = Logger(label: "test") { _ in handler }
        service = WachterServices(
            context: ServiceContext(
                store: store, hasher: try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 1)),
                clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_000)), actor: "tester", logger: logger))
        try service.customers.add(id: "bakkerij", name: "Bakkerij Jansen", company: "Jansen BV", email: "info@bakkerij.nl")
    }

    @Test func anAddedAccountVerifiesAndRecordsTheLogin() throws {
        try service.accounts.add(
            name: "info@bakkerij.nl", kind: .mailbox, customerID: "bakkerij", password: .given(Secret("een lang wachtwoord")))
        let good = try service.logins.verify(
            account: "info@BAKKERIJ.nl", password: Secret("een lang wachtwoord"), service: "cli", source: "192.0.2.1")
        #expect(good == VerifyOutcome(result: .success, matched: true, reason: nil))
        let bad = try service.logins.verify(
            account: "info@bakkerij.nl", password: Secret("een kort wachtwoord"), service: "cli", source: nil)
        #expect(bad.result == .failure)
        #expect(try service.accounts.account(named: "info@bakkerij.nl").failures == 1)
        let events = try service.logins.events()
        #expect(events.map(\.result) == [.failure, .success])
        #expect(events.last?.source == "192.0.2.1")
    }

    @Test func anUnknownAccountIsRecordedAsUnknownUser() throws {
        let outcome = try service.logins.verify(
            account: "nobody@bakkerij.nl", password: Secret("whatever it is"), service: "cli", source: nil)
        #expect(outcome.result == .unknownUser)
        #expect(try service.logins.events().first?.result == .unknownUser)
    }

    @Test func aShortPasswordIsRefused() throws {
        #expect {
            try service.accounts.add(name: "jan", kind: .ftp, customerID: "bakkerij", password: .given(Secret("short")))
        } throws: { ($0 as? WachterError)?.code == .policyRefused }
        #expect(try service.accounts.list().isEmpty)
    }

    @Test func resetForcesAChangeAndLiftsALockout() throws {
        try service.accounts.add(name: "jan", kind: .ftp, customerID: "bakkerij", password: .given(Secret("first password")))
        let temporary = try service.accounts.reset(account: "jan")
        #expect(temporary.count == 23)
        let account = try service.accounts.account(named: "jan")
        #expect(account.mustChange)
        let outcome = try service.logins.verify(account: "jan", password: temporary, service: "cli", source: nil)
        #expect(outcome.result == .expired)
        #expect(outcome.matched)
        #expect(
            try service.logins.verify(account: "jan", password: Secret("first password"), service: "cli", source: nil).result
                == .failure
        )
    }

    @Test func lockedAccountsRefuseEvenTheRightPassword() throws {
        try service.accounts.add(name: "jan", kind: .ssh, customerID: "bakkerij", password: .given(Secret("right password")))
        try service.accounts.lock(account: "jan")
        #expect(
            try service.logins.verify(account: "jan", password: Secret("right password"), service: "cli", source: nil).result
                == .locked)
        try service.accounts.unlock(account: "jan")
        #expect(
            try service.logins.verify(account: "jan", password: Secret("right password"), service: "cli", source: nil).result
                == .success
        )
    }

    @Test func historyZeroTurnsTheReuseCheckOffSoTheCurrentPasswordIsNotVerified() throws {
        let store = try SQLiteStore(path: directory.path + "/h0.sqlite", create: true)
        let noHistory = WachterServices(
            context: ServiceContext(
                store: store, hasher: try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 1)), historyDepth: 0,
                clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_000)), actor: "tester"))
        try noHistory.customers.add(id: "bakkerij", name: "Bakkerij Jansen")
        try noHistory.accounts.add(name: "jan", kind: .ftp, customerID: "bakkerij", password: .given(Secret("password one")))
        // Setting the same password again costs no verification and is allowed: the policy keeps no history.
        try noHistory.accounts.setPassword(account: "jan", to: Secret("password one"))
        #expect(
            try noHistory.logins.verify(account: "jan", password: Secret("password one"), service: "cli", source: nil).matched)
    }

    @Test func anEarlierPasswordCannotBeSetAgain() throws {
        try service.accounts.add(name: "jan", kind: .ftp, customerID: "bakkerij", password: .given(Secret("password one")))
        try service.accounts.setPassword(account: "jan", to: Secret("password two"))
        #expect {
            try service.accounts.setPassword(account: "jan", to: Secret("password one"))
        } throws: { ($0 as? WachterError)?.message.contains("used before") ?? false }
        #expect {
            try service.accounts.setPassword(account: "jan", to: Secret("password two"))
        } throws: { ($0 as? WachterError)?.code == .policyRefused }
    }

    @Test func aLegacyHashIsReplacedAtTheNextSuccessfulLogin() throws {
        try service.accounts.add(name: "jan", kind: .ftp, customerID: "bakkerij", password: .given(Secret("placeholder pw")))
        let md5 = "$1$wOxKbaW4$VdDUu8UBKRgTM9bam0AxS/"  // mkpasswd -m md5crypt of Wachter-vector-1
        try service.context.store.write { writer in
            var account = try #require(try writer.account(named: "jan"))
            account.hash = md5
            try writer.update(account)
        }
        #expect(
            try service.logins.verify(account: "jan", password: Secret("Wachter-vector-1"), service: "cli", source: nil).result
                == .success)
        let rehashed = try service.accounts.account(named: "jan").hash
        #expect(rehashed.hasPrefix("$y$"))
        #expect(
            try service.logins.verify(account: "jan", password: Secret("Wachter-vector-1"), service: "cli", source: nil).result
                == .success)
    }

    @Test func everyOperatorActionIsAuditedAndTheChainHolds() throws {
        try service.accounts.add(name: "jan", kind: .ftp, customerID: "bakkerij", password: .generate)
        _ = try service.accounts.reset(account: "jan")
        try service.accounts.lock(account: "jan")
        try service.accounts.unlock(account: "jan")
        try service.accounts.remove(named: "jan")
        let actions = try service.audit.trail().map(\.action)
        #expect(actions == ["customer.add", "account.add", "reset", "lock", "unlock", "account.remove"])
        #expect(try service.audit.trail().allSatisfy { $0.actor == "tester" })
        #expect(try service.audit.verify() == .intact(count: 6))
    }

    @Test func noSecretReachesTheLogsOrTheAuditTrail() throws {
        let canary = "canary-\(UUID().uuidString)"
        try service.accounts.add(name: "jan", kind: .ftp, customerID: "bakkerij", password: .given(Secret(canary)))
        _ = try service.logins.verify(account: "jan", password: Secret(canary), service: "cli", source: nil)
        _ = try service.logins.verify(account: "jan", password: Secret(canary + "x"), service: "cli", source: nil)
        try? service.accounts.setPassword(account: "jan", to: Secret(canary))
        #expect(!logs.entries.isEmpty)
        for entry in logs.entries {
            #expect(!"\(entry.message) \(entry.metadata)".contains(canary))
        }
        for entry in try service.audit.trail() {
            #expect(!"\(entry)".contains(canary))
        }
    }

    @Test(arguments: ["jan\0x", "jan\u{1}", "jan x", "info@bakkerij.nl\0x", "info@bakkerij.nl\n"])
    func aMalformedNameFindsNoAccountAndChangesNothing(name: String) throws {
        try service.accounts.add(name: "jan", kind: .ftp, customerID: "bakkerij", password: .given(Secret(longPassword)))
        try service.accounts.add(
            name: "info@bakkerij.nl", kind: .mailbox, customerID: "bakkerij", password: .given(Secret(longPassword)))
        let before = try service.audit.trail()
        for change in [
            { try service.accounts.lock(account: name) },
            { try service.accounts.setPassword(account: name, to: Secret(longPassword + "!")) },
        ] {
            #expect {
                try change()
            } throws: { ($0 as? WachterError)?.code == .invalidName }
        }
        #expect {
            try service.logins.verify(account: name, password: Secret(longPassword), service: "hook", source: nil)
        } throws: { ($0 as? WachterError)?.code == .invalidName }
        #expect {
            try service.accounts.changePassword(account: name, old: Secret(longPassword), new: Secret(longPassword + "!"))
        } throws: { ($0 as? WachterError)?.code == .invalidName }
        #expect(try service.accounts.list().allSatisfy { !$0.locked && $0.failures == 0 })
        #expect(try service.logins.events().isEmpty)
        #expect(try service.audit.trail() == before)
        #expect(try service.audit.verify() == .intact(count: before.count))
    }

    @Test func aMailboxStoredWithASlashByAnEarlierVersionCanStillBeFoundAndRemoved() throws {
        #expect {
            try service.accounts.add(name: "a/b@bakkerij.nl", kind: .mailbox, customerID: "bakkerij", password: .generate)
        } throws: { ($0 as? WachterError)?.code == .invalidName }
        // Written as an earlier version, which allowed '/' in a local part, stored it.
        let earlier = try SQLiteStore(path: directory.path + "/w.sqlite")
        try earlier.write { writer in
            try writer.insert(
                Account(
                    name: "a/b@bakkerij.nl", kind: .mailbox, customerID: "bakkerij", hash: SampleHashes.yescrypt,
                    passwordSetAt: Date(timeIntervalSince1970: 1_700_000_000),
                    createdAt: Date(timeIntervalSince1970: 1_700_000_000)))
        }
        #expect(try service.accounts.account(named: "a/b@Bakkerij.NL").name == "a/b@bakkerij.nl")
        try service.accounts.lock(account: "a/b@bakkerij.nl")
        try service.accounts.remove(named: "a/b@bakkerij.nl")
        #expect(try service.accounts.list().isEmpty)
        #expect(try service.audit.verify() == .intact(count: 3))
    }

    @Test func aNameIsCheckedBeforeAnythingIsStored() throws {
        #expect {
            try service.accounts.add(name: "jan:x", kind: .ftp, customerID: "bakkerij", password: .generate)
        } throws: { ($0 as? WachterError)?.code == .invalidName }
        #expect {
            try service.accounts.add(name: "jan", kind: .ftp, customerID: "nobody", password: .generate)
        } throws: { ($0 as? WachterError)?.code == .notFound }
        #expect(try service.accounts.list().isEmpty)
    }
}
