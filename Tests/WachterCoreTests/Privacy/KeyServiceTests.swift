import Foundation
import Testing

@testable import WachterCore

struct KeyServiceTests {
    let directory: TemporaryDirectory
    let store: SQLiteStore
    let keyFile: String

    init() throws {
        directory = try TemporaryDirectory()
        store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        keyFile = directory.path + "/key"
        try KeyFile.createIfMissing(keyFile)
    }

    func services() throws -> WachterServices {
        var services = WachterServices(
            context: ServiceContext(
                store: store, hasher: try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 1)),
                clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_000)), actor: "tester"))
        services.protectFields(FieldProtection.load(keyFile))
        return services
    }

    @Test func rotationSealsEverythingUnderTheNewKeyAndRetireDropsTheOld() throws {
        let before = try services()
        try before.customers.add(id: "acme", name: "Acme", contact: CustomerFields(city: "Utrecht"))
        _ = try before.logins.verify(account: "nobody", password: Secret("some password"), service: "cli", source: "192.0.2.9")
        let oldID = try KeyFile.load(keyFile).currentID
        let rotated = try before.keys.rotate(keyFile: keyFile)
        #expect(rotated.customers == 1 && rotated.loginSources == 1 && rotated.stillUsing.isEmpty)
        #expect(rotated.currentKey != oldID)
        let after = try services()
        #expect(try after.customers.customer(id: "acme").customer.city == "Utrecht")
        #expect(try after.logins.events().first?.source == "192.0.2.9")
        let stored = try #require(try store.read { try $0.customer(id: "acme") })
        #expect(FieldCipher.keyID(of: stored.name) == rotated.currentKey)
        let retired = try after.keys.retire(keyFile: keyFile)
        #expect(retired.retired == [oldID])
        #expect(try KeyFile.load(keyFile).entries.map(\.id) == [rotated.currentKey])
        #expect(try after.customers.customer(id: "acme").customer.name == "Acme")
    }

    @Test func retireKeepsAKeyThatAValueStillUses() throws {
        let before = try services()
        try before.customers.add(id: "acme", name: "Acme")
        let oldID = try KeyFile.load(keyFile).currentID
        _ = try before.keys.rotate(keyFile: keyFile)
        // An agent that read the key file before the rotation still seals under the old key.
        _ = try before.logins.verify(account: "nobody", password: Secret("some password"), service: "cli", source: "192.0.2.9")
        let after = try services()
        let retired = try after.keys.retire(keyFile: keyFile)
        // retire first seals the straggler anew, so the old key is then unused and goes.
        #expect(retired.loginSources == 1 && retired.retired == [oldID])
        #expect(try after.logins.events().first?.source == "192.0.2.9")
    }
}
