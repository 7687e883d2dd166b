import ArgumentParser
import Testing
import WachterCore
import WachterTestSupport

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

    @Test func aMissingFileIsNamedWithTheSystemsReason() throws {
        let cli = try CLI()
        defer { cli.remove() }
        #expect(try cli.run(["init"]).status == 0)
        #expect(try cli.run(["customer", "add", "acme", "--name", "Acme"]).status == 0)
        let result = try cli.run(["import", "dovecot", "/nonexistent-wachter-dir/users", "--customer", "acme"])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: cannot read the import file /nonexistent-wachter-dir/users: No such file or directory\n")
        let policy = try cli.run(["policy", "show", "--policy", "/nonexistent-wachter-dir/policy.toml"])
        #expect(policy.status == 1)
        #expect(
            policy.stderr
                == "Error: cannot read the policy file /nonexistent-wachter-dir/policy.toml: No such file or directory\n")
    }

    @Test func needsACustomer() {
        #expect(throws: (any Error).self) { try Wachter.parseAsRoot(["import", "dovecot", "/tmp/users"]) }
    }
}
