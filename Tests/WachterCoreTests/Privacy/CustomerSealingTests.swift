import Foundation
import Testing

@testable import WachterCore

struct CustomerSealingTests {
    let directory: TemporaryDirectory
    let services: WachterServices
    let store: SQLiteStore

    init() throws {
        directory = try TemporaryDirectory()
        store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        var services = WachterServices(
            context: ServiceContext(
                store: store, hasher: try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 1)),
                clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_000)), actor: "tester"))
        services.protectFields(.keys(FieldCipher(ring: KeyRing([KeyRing.Entry.generate()])!)))
        self.services = services
        try services.customers.add(
            id: "acme", name: "Canary Jansen", email: "canary@acme.nl",
            contact: CustomerFields(address: "Kanariestraat 7", postcode: "1234 AB", city: "Utrecht"))
    }

    @Test func everyPersonalFieldIsSealedInTheStoreAndOpenedByTheService() throws {
        let stored = try #require(try store.read { try $0.customer(id: "acme") })
        for value in [stored.name, stored.email, stored.address, stored.postcode, stored.city] {
            #expect(value.map(FieldCipher.isSealed) == true)
        }
        let customer = try services.customers.customer(id: "acme").customer
        #expect(customer.name == "Canary Jansen" && customer.address == "Kanariestraat 7" && customer.city == "Utrecht")
        #expect(try services.customers.list().map(\.email) == ["canary@acme.nl"])
    }

    @Test func aSealedNameCopiedToAnotherCustomerDoesNotDecrypt() throws {
        try services.customers.add(id: "bakker", name: "Bakker")
        try store.write { writer in
            var bakker = try #require(try writer.customer(id: "bakker"))
            bakker.name = try #require(try writer.customer(id: "acme")).name
            try writer.update(bakker)
        }
        #expect { try services.customers.customer(id: "bakker") } throws: {
            ($0 as? WachterError)?.code == .decryptionFailed
        }
    }

    @Test func withoutTheKeyNothingPersonalIsWrittenOrRead() throws {
        var missing = services
        missing.protectFields(.missing(WachterError(.keyUnavailable, "no key")))
        #expect { try missing.customers.list() } throws: { ($0 as? WachterError)?.code == .keyUnavailable }
        #expect { try missing.customers.add(id: "new", name: "New") } throws: { ($0 as? WachterError)?.code == .keyUnavailable }
    }

    @Test func anEditChangesTheGivenFieldsAndAuditsTheirNamesOnly() throws {
        let (customer, changed) = try services.customers.edit(
            id: "acme", changes: CustomerFields(city: "Amsterdam", phone: "+31 20 123 4567"))
        #expect(changed == ["city", "phone"])
        #expect(customer.city == "Amsterdam" && customer.address == "Kanariestraat 7")
        let entry = try #require(try services.audit.trail().last)
        #expect(entry.action == "customer.edit" && entry.detail == "fields=city,phone")
        #expect(!entry.detail.contains("Amsterdam"))
        let removed = try services.customers.edit(id: "acme", changes: CustomerFields(phone: ""))
        #expect(removed.customer.phone == nil && removed.changed == ["phone"])
    }

    @Test func aBadPhoneNumberChangesNothing() throws {
        #expect { try services.customers.edit(id: "acme", changes: CustomerFields(city: "Delft", phone: "call me")) } throws: {
            ($0 as? WachterError)?.code == .invalidInput
        }
        #expect(try services.customers.customer(id: "acme").customer.city == "Utrecht")
    }
}
