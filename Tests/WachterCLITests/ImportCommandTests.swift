import ArgumentParser
import Testing
import WachterCore

@testable import wachter

struct ImportCommandTests {
    @Test func parsesAFormatAFileACustomerAndADryRun() throws {
        let command = try #require(
            try Wachter.parseAsRoot(["import", "shadow", "/tmp/shadow", "--customer", "acme", "--dry-run"]) as? ImportCommand)
        #expect(command.format == .shadow)
        #expect(command.file == "/tmp/shadow")
        #expect(command.customer == "acme")
        #expect(command.dryRun)
    }

    @Test func needsACustomer() {
        #expect(throws: (any Error).self) { try Wachter.parseAsRoot(["import", "dovecot", "/tmp/users"]) }
    }
}
