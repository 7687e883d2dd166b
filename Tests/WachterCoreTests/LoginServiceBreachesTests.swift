import Foundation
import InMemoryLogging
import Logging
import Testing
import WachterCore

struct LoginServiceBreachesTests {
    static let breached = "summer holiday in lisbon 2019"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    let directory: TemporaryDirectory
    let breachedFile: URL
    let logs = InMemoryLogHandler()

    init() throws {
        directory = try TemporaryDirectory()
        breachedFile = try BreachedPasswordFileTests.makeFile([(Self.breached, 3)], filler: 2000)
    }

    /// A service whose policy names the breached file, or none.
    func service(withFile: Bool, at time: Date = now) throws -> WachterServices {
        let store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        var policy = WachterPolicy()
        for kind in WachterPolicy.accountKinds {
            policy.kinds[kind]?.hashing.cost = 1
            policy.kinds[kind]?.strength.breachedFile = withFile ? breachedFile.path : ""
        }
        var handler = logs
        handler.logLevel = .trace
        return WachterServices(
            context: try ServiceContext(
                store: store, policy: policy, clock: FixedClock(time), actor: "tester",
                logger: Logger(label: "test") { _ in handler }))
    }

    /// The account got its password before the breach list had it.
    func addAccount() throws {
        let before = try service(withFile: false, at: Self.now.addingTimeInterval(-86_400))
        try before.customers.add(id: "bakkerij", name: "Bakkerij Jansen")
        try before.accounts.add(
            name: "info@bakkerij.nl", kind: .mailbox, customerID: "bakkerij", password: .given(Secret(Self.breached)))
        try before.accounts.add(
            name: "jansen", kind: .ftp, customerID: "bakkerij", password: .given(Secret("vivid harbour pickle marmot")))
    }

    @Test func aLoginWithABreachedPasswordMarksTheAccountMustChangeOnceAndAudits() throws {
        try addAccount()
        let service = try service(withFile: true)
        let first = try service.logins.verify(
            account: "info@bakkerij.nl", password: Secret(Self.breached), service: "dovecot", source: nil)
        #expect(first.result == .success)
        #expect(try service.accounts.account(named: "info@bakkerij.nl").mustChange)
        let second = try service.logins.verify(
            account: "info@bakkerij.nl", password: Secret(Self.breached), service: "dovecot", source: nil)
        #expect(second.result == .expired)
        // A password that is not listed changes nothing.
        #expect(
            try service.logins.verify(
                account: "jansen", password: Secret("vivid harbour pickle marmot"), service: "ftp", source: nil
            )
            .result == .success)
        #expect(try !service.accounts.account(named: "jansen").mustChange)
        let entries = try service.audit.trail().filter { $0.action == LoginService.breachAction }
        #expect(entries.map(\.target) == ["info@bakkerij.nl"])
        #expect(entries.first?.detail.contains("found in a breach list") == true)
        let findings = try service.logins.breachesFoundAtLogin()
        #expect(findings == [BreachFinding(account: "info@bakkerij.nl", time: Self.now, stored: true, mustChange: true)])
        #expect(try service.audit.verify() == .intact(count: try service.audit.trail().count))
        // The password is nowhere: not in the logs, the audit trail or the store file.
        #expect(!logs.entries.contains { "\($0)".contains(Self.breached) })
        #expect(!(try service.audit.trail()).contains { "\($0)".contains(Self.breached) })
        let bytes = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/w.sqlite"))
        #expect(bytes.range(of: Data(Self.breached.utf8)) == nil)
    }

    @Test func theAgentsDeferredLoginMarksItToo() throws {
        try addAccount()
        let service = try service(withFile: true)
        let (outcome, effects) = try service.logins.check(
            account: "info@bakkerij.nl", password: Secret(Self.breached), service: "imap", source: "192.0.2.1")
        #expect(outcome.result == .success)
        #expect(effects.breached)
        try service.logins.apply([effects])
        #expect(try service.accounts.account(named: "info@bakkerij.nl").mustChange)
        #expect(try service.logins.breachesFoundAtLogin().count == 1)
    }

    @Test func withoutAFileNothingIsLookedUp() throws {
        try addAccount()
        let service = try service(withFile: false)
        let (_, effects) = try service.logins.check(
            account: "info@bakkerij.nl", password: Secret(Self.breached), service: "imap", source: nil)
        #expect(!effects.breached)
        #expect(try service.logins.breachesFoundAtLogin().isEmpty)
    }
}
