import ArgumentParser
import Testing
import WachterCore

@testable import wachter

struct ExportCommandTests {
    @Test func parsesAFormatWithAnOutputAndAKind() throws {
        let command = try #require(
            try Wachter.parseAsRoot(["export", "pure-ftpd", "--output", "/tmp/x", "--kind", "mailbox"]) as? ExportCommand)
        #expect(command.format == .pureFTPd)
        #expect(command.output == "/tmp/x")
        #expect(command.kind == .mailbox)
    }

    @Test func aFormatNeedsAnOutput() {
        #expect(throws: (any Error).self) { try Wachter.parseAsRoot(["export", "dovecot"]) }
        let message = Wachter.message(for: ValidationError("x"))
        #expect(!message.isEmpty)
    }

    @Test func anOutputNeedsAFormat() {
        #expect(throws: (any Error).self) { try Wachter.parseAsRoot(["export", "--output", "/tmp/x"]) }
    }

    @Test func refusesAnUnknownFormat() {
        #expect(throws: (any Error).self) { try Wachter.parseAsRoot(["export", "mysql", "--output", "/tmp/x"]) }
    }

    @Test func withoutArgumentsItRewritesEveryTarget() throws {
        let command = try #require(try Wachter.parseAsRoot(["export"]) as? ExportCommand)
        #expect(command.format == nil)
    }
}
