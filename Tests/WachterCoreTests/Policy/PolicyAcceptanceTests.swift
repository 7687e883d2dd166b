import Foundation
import Testing
import WachterCore

struct PolicyAcceptanceTests {
    static let customer = Customer(
        id: "c1", name: "Bakkerij Jansen", company: "Bakkerij Jansen B.V.", email: "info@bakkerij-jansen.nl",
        createdAt: Date(timeIntervalSince1970: 0))

    @Test func refusesContextWordsAndAcceptsPassphrases() throws {
        let acceptance = try PolicyAcceptance(policy: WachterPolicy())
        let weak = acceptance.refusal(
            for: Secret("Bakkerij2024!Jansen"), account: "info@bakkerij-jansen.nl", kind: .mailbox, customer: Self.customer,
            history: [])
        #expect(weak?.contains("company") == true)
        #expect(weak?.contains("Bakkerij2024") == false)
        let strong = acceptance.refusal(
            for: Secret("tackled scoffing tallness floppy"), account: "info@bakkerij-jansen.nl", kind: .mailbox,
            customer: Self.customer, history: [])
        #expect(strong == nil)
    }

    @Test func contextWordsAreScoredNotBanned() throws {
        let acceptance = try PolicyAcceptance(policy: WachterPolicy())
        let short = acceptance.refusal(
            for: Secret("Bakkerij2024!Bakkerij"), account: "info@bakkerij-jansen.nl", kind: .mailbox,
            customer: Self.customer, history: [])
        #expect(short?.contains("company") == true)
        // A long passphrase that merely includes the company name is judged on its other words.
        let passphrase = acceptance.refusal(
            for: Secret("bakkerij tackled scoffing tallness floppy"), account: "info@bakkerij-jansen.nl", kind: .mailbox,
            customer: Self.customer, history: [])
        #expect(passphrase == nil)
        let estimate = StrengthEstimator.builtIn.estimate("Bakkerij2024!", context: ["Bakkerij Jansen"])
        #expect(estimate.issue == .contextWord)
        #expect(estimate.guessesLog10 < 10)
    }

    @Test func appliesTheKindsOwnRules() throws {
        var policy = WachterPolicy()
        policy.kinds["ftp"]?.strength.minLength = 40
        let acceptance = try PolicyAcceptance(policy: policy)
        let passphrase = Secret("tackled scoffing tallness floppy")
        #expect(acceptance.refusal(for: passphrase, account: "web1", kind: .ftp, customer: Self.customer, history: []) != nil)
        #expect(acceptance.refusal(for: passphrase, account: "web1", kind: .ssh, customer: Self.customer, history: []) == nil)
    }
}
