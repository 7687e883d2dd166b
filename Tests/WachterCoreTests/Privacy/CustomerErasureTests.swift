import Foundation
import Testing

@testable import WachterCore

struct CustomerErasureTests {
    let directory: TemporaryDirectory
    let services: WachterServices
    let store: SQLiteStore
    let path: String
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.path + "/w.sqlite"
        store = try SQLiteStore(path: path, create: true)
        var services = WachterServices(
            context: ServiceContext(
                store: store, hasher: try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 1)),
                clock: FixedClock(now), actor: "tester"))
        services.protectFields(.keys(FieldCipher(ring: KeyRing([KeyRing.Entry.generate()])!)))
        self.services = services
        try services.customers.add(
            id: "acme", name: "Canary Jansen", email: "canary@acme.nl",
            contact: CustomerFields(address: "Kanariestraat 7", postcode: "1234 AB", city: "Utrecht", phone: "+31 30 1"))
        try services.customers.add(id: "other", name: "Other")
        try services.accounts.add(
            name: "canarymail@acme.nl", kind: .mailbox, customerID: "acme", password: .given(Secret("a long enough password")))
        _ = try services.logins.verify(
            account: "canarymail@acme.nl", password: Secret("wrong password!"), service: "cli", source: "198.51.100.7")
        try services.sites.add(domain: "acme.nl", customerID: "acme")
    }

    @Test func anErasureRemovesEverythingAndTheTrailStillVerifies() throws {
        let outcome = try services.customers.erase(id: "acme")
        #expect(outcome.removed.accounts == 1 && outcome.removed.sites == 1 && outcome.removed.loginEvents == 1)
        #expect(throws: WachterError.self) { try services.customers.customer(id: "acme") }
        let outcomeOfLogin = try services.logins.verify(
            account: "canarymail@acme.nl", password: Secret("a long enough password"), service: "cli", source: nil)
        #expect(outcomeOfLogin.result == .unknownUser)
        guard case .intact = try services.audit.verify() else {
            Issue.record("the trail does not verify after an erasure")
            return
        }
        let trail = try services.audit.trail()
        #expect(trail.last?.action == AuditChain.eraseAction)
        #expect(trail.filter { $0.target == "acme" || $0.target == "canarymail@acme.nl" || $0.target == "acme.nl" }.isEmpty)
        #expect(trail.contains { $0.target == "other" })
    }

    @Test func nothingErasedStaysInTheStoreFiles() throws {
        try services.customers.erase(id: "acme")
        for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            for canary in ["canarymail", "Canary", "Kanarie", "acme.nl"] {
                #expect(bytes.range(of: Data(canary.utf8)) == nil, "\(canary) in \(file)")
            }
        }
    }

    @Test func aHoldKeepsTheInvoiceFieldsUntilPruneAfterTheDate() throws {
        let until = now.addingTimeInterval(86_400 * 365)
        try services.customers.erase(id: "acme", holdUntil: until)
        let held = try services.customers.customer(id: "acme").customer
        #expect(held.name == "Canary Jansen" && held.address == "Kanariestraat 7" && held.city == "Utrecht")
        #expect(held.email == nil && held.phone == nil && held.heldUntil == until)
        #expect {
            try services.accounts.add(name: "new", kind: .ftp, customerID: "acme", password: .generate)
        } throws: { ($0 as? WachterError)?.code == .invalidInput }
        var later = services.context
        later = ServiceContext(
            store: store, hasher: try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 1)),
            clock: FixedClock(until.addingTimeInterval(1)), actor: "tester")
        let pruned = try WachterServices(context: later).retention.prune(RetentionPeriods())
        #expect(pruned.heldCustomers == 1)
        #expect(throws: WachterError.self) { try services.customers.customer(id: "acme") }
    }

    @Test func aHoldDateInThePastChangesNothing() throws {
        #expect { try services.customers.erase(id: "acme", holdUntil: now) } throws: {
            ($0 as? WachterError)?.code == .invalidInput
        }
        #expect(try services.accounts.list().count == 1)
    }
}
