import ArgumentParser
import Foundation
import Testing
import WachterCore

@testable import wachter

struct PolicyCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func lintPassesTheShippedPolicy() throws {
        var command = try PolicyCommand.parseAsRoot(["lint", Self.root.appendingPathComponent("policies/default.toml").path])
        try command.run()
    }

    @Test func lintExitsOneOnABrokenFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID()).toml")
        try "[defaults.strength]\nmin_lenght = 3\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var command = try PolicyCommand.parseAsRoot(["lint", file.path])
        #expect(throws: ExitCode(1)) { try command.run() }
    }

    @Test func anUnknownKindIsAUsageError() {
        #expect {
            _ = try PolicyCommand.parseAsRoot(["check-password", "--kind", "mail"])
        } throws: { error in
            PolicyCommand.exitCode(for: error).rawValue == 64 && PolicyCommand.message(for: error).contains("mailbox")
        }
    }

    @Test func showPrintsAPolicyFileThatReadsBackTheSame() throws {
        var policy = WachterPolicy()
        policy.kinds["ssh"]?.strength.minGuessesLog10 = 12.5
        policy.kinds["ftp"]?.strength.blocklistFiles = ["a \"quoted\" name.txt"]
        policy.tls.warnDays = 9
        let text = PolicyDescription.toml(policy)
        let result = PolicyFile.parse(text, file: "built-in")
        #expect(result.diagnostics == [])
        #expect(result.policy?.kinds == policy.kinds)
        #expect(result.policy?.tls == policy.tls)
        #expect(JSONSerialization.isValidJSONObject(PolicyDescription.dictionary(policy)))
    }

    @Test func helpNamesTheLookupOrderAndTheOutputFormat() {
        #expect(PolicyCommand.helpMessage().contains("WACHTER_POLICY"))
        #expect(PolicyCommand.helpMessage(for: PolicyCommand.CheckPassword.self).contains("reject"))
    }
}
