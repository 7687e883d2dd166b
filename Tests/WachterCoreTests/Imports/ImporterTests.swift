import Foundation
import Testing
import WachterCore
import WachterTestSupport

struct ImporterTests {
    static let file = Array(
        """
        info@acme.nl:{SHA512-CRYPT}\(SampleHashes.sha512)::::::
        old@acme.nl:{MD5-CRYPT}\(SampleHashes.md5)::::::
        plain@acme.nl:{PLAIN}secret::::::
        locked@acme.nl:{CRYPT}!\(SampleHashes.yescrypt)::::::

        """.utf8)

    @Test func importsKeepingHashesAndCountsThoseBelowPolicy() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let service = try makeService(directory: directory)
        let summary = try service.imports.importAccounts(Self.file, format: .dovecot, customerID: "acme", source: "users")
        #expect(summary.imported == ["info@acme.nl", "old@acme.nl", "locked@acme.nl"])
        #expect(summary.belowPolicy == 2)
        #expect(summary.locked == 1)
        #expect(summary.refused.map(\.name) == ["plain@acme.nl"])
        let accounts = try service.accounts.list()
        #expect(accounts.count == 3)
        let statuses = service.accounts.statuses(accounts)
        #expect(statuses.filter { $0.hash.belowPolicy != nil }.map(\.account.name).sorted() == ["info@acme.nl", "old@acme.nl"])
        #expect(try service.accounts.account(named: "locked@acme.nl").locked)
        #expect(try service.accounts.account(named: "old@acme.nl").hash == SampleHashes.md5)
        #expect(
            try service.audit.trail().map(\.action).suffix(4) == ["account.import", "account.import", "account.import", "import"])
    }

    @Test func isAllOrNothingWhenANameIsTaken() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let service = try makeService(directory: directory)
        _ = try service.accounts.add(
            name: "old@acme.nl", kind: .mailbox, customerID: "acme",
            password: .given(Secret(bytes: Array("a long enough password".utf8))))
        let error = #expect(throws: WachterError.self) {
            try service.imports.importAccounts(Self.file, format: .dovecot, customerID: "acme", source: "users")
        }
        #expect(error?.message.hasPrefix("line 2:") == true)
        #expect(try service.accounts.list().map(\.name) == ["old@acme.nl"])
    }

    @Test func aDryRunChangesNothing() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let service = try makeService(directory: directory)
        let before = try service.audit.trail().count
        let summary = try service.imports.importAccounts(
            Self.file, format: .dovecot, customerID: "acme", source: "users", dryRun: true)
        #expect(summary.dryRun)
        #expect(summary.imported.count == 3)
        #expect(try service.accounts.list().isEmpty)
        #expect(try service.audit.trail().count == before)
    }

    @Test func refusesAnUnknownCustomer() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let service = try makeService(directory: directory)
        #expect(throws: WachterError.self) {
            try service.imports.importAccounts(Self.file, format: .dovecot, customerID: "nobody", source: "users")
        }
    }
}
