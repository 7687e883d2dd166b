import ArgumentParser
import Testing

@testable import wachter

struct CommandParsingTests {
    /// Every command in the tree, depth first.
    static func commands(under root: any ParsableCommand.Type = Wachter.self) -> [any ParsableCommand.Type] {
        [root] + root.configuration.subcommands.flatMap { commands(under: $0) }
    }

    /// ArgumentParser builds the whole tree at every start and derives a missing name
    /// from the type with `String(describing:)`, whose dynamic casts scan every
    /// protocol conformance of the process: a few milliseconds per start.
    @Test func everyCommandNamesItselfSoThatStartingDoesNotDeriveNamesFromTypes() {
        let commands = Self.commands()
        #expect(commands.count > 30)
        for command in commands {
            #expect(command.configuration.commandName != nil, "\(command)")
        }
    }

    @Test func anUnknownKindIsAUsageError() {
        #expect {
            _ = try Wachter.parseAsRoot(["account", "add", "jan", "--kind", "mail", "--customer", "c1"])
        } throws: { error in
            Wachter.exitCode(for: error).rawValue == 64 && Wachter.message(for: error).contains("mail")
        }
    }

    @Test func serveTakesADovecotPolicyAddressAndRefusesABadOne() throws {
        let command = try Wachter.parseAsRoot(["serve", "--dovecot-policy", "4001", "--dovecot-policy-tarpit", "2"])
        let serve = try #require(command as? ServeCommand)
        #expect(serve.dovecotPolicy == "4001")
        #expect(serve.dovecotPolicyTarpit == 2)
        for bad in [["--dovecot-policy", "127.0.0.1:0"], ["--dovecot-policy", "[::1]"], ["--dovecot-policy-tarpit", "600"]] {
            #expect {
                _ = try Wachter.parseAsRoot(["serve"] + bad)
            } throws: { error in
                Wachter.exitCode(for: error).rawValue == 64 && Wachter.message(for: error).contains("--dovecot-policy")
            }
        }
    }

    @Test func theDovecotPolicyCredentialsComeFromFilesNeverArguments() {
        let help = Wachter.helpMessage(for: ServeCommand.self)
        #expect(help.contains("--dovecot-policy-api-header-file"))
        #expect(help.contains("--dovecot-policy-basic-auth-file"))
        #expect(throws: (any Error).self) { _ = try Wachter.parseAsRoot(["serve", "--dovecot-policy-api-key", "k3y"]) }
    }

    @Test func generateAndPasswordStdinTogetherIsAUsageErrorThatSaysWhatToDo() {
        #expect {
            _ = try Wachter.parseAsRoot([
                "account", "add", "jan", "--kind", "ftp", "--customer", "c1", "--generate", "--password-stdin",
            ])
        } throws: { error in
            Wachter.exitCode(for: error).rawValue == 64 && Wachter.message(for: error).contains("not both")
        }
    }

    @Test func aPasswordIsNeverAnArgument() {
        #expect(throws: (any Error).self) { _ = try Wachter.parseAsRoot(["passwd", "jan", "--password", "secret"]) }
        #expect(throws: (any Error).self) { _ = try Wachter.parseAsRoot(["verify", "jan", "secret"]) }
    }

    @Test func theRootHelpDocumentsExitCodesAndTheStore() {
        let help = Wachter.helpMessage()
        #expect(help.contains("EXIT STATUS"))
        #expect(help.contains("64"))
        #expect(help.contains("WACHTER_STORE"))
        #expect(help.contains("--password-stdin"))
    }

    @Test func resetHelpSaysThePasswordIsPrintedOnce() {
        let help = Wachter.helpMessage(for: ResetCommand.self)
        #expect(help.contains("printed once"))
        #expect(help.contains("--store"))
        #expect(help.contains("--json"))
    }

    @Test func periodsParse() {
        #expect(Period(argument: "7d")?.seconds == 604_800)
        #expect(Period(argument: "12h")?.seconds == 43_200)
        #expect(Period(argument: "2w")?.seconds == 1_209_600)
        #expect(Period(argument: "7") == nil)
        #expect(Period(argument: "-1d") == nil)
    }

    @Test func verifyParsesServiceAndSource() throws {
        let command = try Wachter.parseAsRoot([
            "verify", "jan", "--service", "dovecot", "--source", "192.0.2.7", "--password-stdin",
        ])
        let verify = try #require(command as? VerifyCommand)
        #expect(verify.service == "dovecot")
        #expect(verify.source == "192.0.2.7")
        #expect(verify.password.passwordStdin)
    }
}
