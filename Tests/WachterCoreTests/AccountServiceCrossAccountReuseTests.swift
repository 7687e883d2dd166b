import Foundation
import InMemoryLogging
import Logging
import Testing
import WachterCore

struct AccountServiceCrossAccountReuseTests {
    let directory: TemporaryDirectory
    let logs = InMemoryLogHandler()

    init() throws {
        directory = try TemporaryDirectory()
    }

    func service(_ policy: WachterPolicy = WachterPolicy()) throws -> WachterServices {
        let store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        var handler = logs
        handler.logLevel = .trace
        var policy = policy
        for kind in WachterPolicy.accountKinds { policy.kinds[kind]?.hashing.cost = 1 }
        policy.defaults.hashing.cost = 1
        return WachterServices(
            context: try ServiceContext(
                store: store, policy: policy, clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_000)), actor: "tester",
                logger: Logger(label: "test") { _ in handler }))
    }

    static let shared = "tackled scoffing tallness floppy"

    @Test func aPasswordOfAnotherAccountOfTheSameCustomerIsRefusedNamingItsKind() throws {
        let service = try service()
        try service.customers.add(id: "bakkerij", name: "Bakkerij Jansen")
        try service.accounts.add(
            name: "info@bakkerij.nl", kind: .mailbox, customerID: "bakkerij", password: .given(Secret(Self.shared)))
        var refusal: WachterError?
        do {
            try service.accounts.add(name: "jansen", kind: .ftp, customerID: "bakkerij", password: .given(Secret(Self.shared)))
        } catch let error as WachterError {
            refusal = error
        }
        #expect(refusal?.code == .policyRefused)
        #expect(refusal?.message.contains("mailbox account") == true)
        #expect(refusal?.message.contains("info@bakkerij.nl") == false)
        #expect(refusal?.description.contains(Self.shared) == false)
        try service.accounts.add(
            name: "jansen", kind: .ftp, customerID: "bakkerij", password: .given(Secret("vivid harbour pickle marmot")))
        #expect {
            try service.accounts.setPassword(account: "jansen", to: Secret(Self.shared))
        } throws: { ($0 as? WachterError)?.message.contains("mailbox account") == true }
        #expect(!logs.entries.contains { "\($0)".contains(Self.shared) })
    }

    @Test func anotherCustomersPasswordAndTheSwitchedOffRuleDoNotRefuse() throws {
        var policy = WachterPolicy()
        policy.defaults.reuse.acrossAccounts = false
        for kind in WachterPolicy.accountKinds { policy.kinds[kind]?.reuse.acrossAccounts = false }
        let lenient = try service(policy)
        try lenient.customers.add(id: "bakkerij", name: "Bakkerij Jansen")
        try lenient.customers.add(id: "slager", name: "Slagerij De Vries")
        try lenient.accounts.add(name: "jansen", kind: .ftp, customerID: "bakkerij", password: .given(Secret(Self.shared)))
        try lenient.accounts.add(name: "devries", kind: .ftp, customerID: "slager", password: .given(Secret(Self.shared)))
        try lenient.accounts.add(name: "jansen-ssh", kind: .ssh, customerID: "bakkerij", password: .given(Secret(Self.shared)))
        let strict = try service()
        try strict.accounts.add(
            name: "devries-ssh", kind: .ssh, customerID: "slager", password: .given(Secret("vivid harbour pickle marmot")))
        #expect(throws: WachterError.self) {
            try strict.accounts.add(
                name: "jansen-panel", kind: .panel, customerID: "bakkerij", password: .given(Secret(Self.shared)))
        }
    }

    @Test func theLimitBoundsHowManyOtherAccountsAreVerified() throws {
        var policy = WachterPolicy()
        for kind in WachterPolicy.accountKinds { policy.kinds[kind]?.reuse.acrossAccountsLimit = 1 }
        let service = try service(policy)
        try service.customers.add(id: "bakkerij", name: "Bakkerij Jansen")
        try service.accounts.add(name: "jansen", kind: .ftp, customerID: "bakkerij", password: .given(Secret(Self.shared)))
        try service.accounts.add(
            name: "info@bakkerij.nl", kind: .mailbox, customerID: "bakkerij",
            password: .given(Secret("vivid harbour pickle marmot")))
        // Only one other account is verified, and one of another kind comes first:
        // the FTP account for a new mailbox, so the first mailbox's password passes.
        try service.accounts.add(
            name: "post@bakkerij.nl", kind: .mailbox, customerID: "bakkerij",
            password: .given(Secret("vivid harbour pickle marmot")))
        #expect(throws: WachterError.self) {
            try service.accounts.add(
                name: "shop@bakkerij.nl", kind: .mailbox, customerID: "bakkerij", password: .given(Secret(Self.shared)))
        }
    }
}
