import ArgumentParser
import Foundation
import WachterAgent
import WachterCore

struct HookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Entry points for webmail, control panels and checkpassword users.",
        subcommands: [ChangePassword.self, CheckPassword.self])

    /// Where a hook sends its request: the agent's socket, or the store itself.
    struct Route: ParsableArguments {
        @Option(help: ArgumentHelp("Ask the agent at this socket instead of opening the store.", valueName: "socket"))
        var agent: String?
        @Option(help: ArgumentHelp("Seconds to wait for the agent.", valueName: "s")) var timeout = 10
        @Option(
            help: ArgumentHelp(
                "Without --agent: run after a change, %u replaced by the account (default: $WACHTER_CACHE_FLUSH).",
                valueName: "command"))
        var cacheFlush: String?

        var client: AgentClient? { agent.map { AgentClient(socketPath: $0, timeout: .seconds(timeout)) } }
    }

    struct ChangePassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "change-password",
            abstract: "A customer changes their own password; for webmail and panels.",
            discussion: """
                Reads three lines from standard input: the account, the current password and
                the new password. The current password must match and the new one must meet
                the policy, as with `wachter passwd`; the must-change flag is cleared and the
                configured cache flush runs.

                EXIT STATUS (the message is one line on standard error):
                  0   the password was changed
                  1   the current password is wrong, the account is locked or unknown
                  2   the new password was refused by the policy; the reason is printed
                  3   the password was changed, but the cache flush command failed
                  64  the input is not three lines, or the account name is malformed (a NUL,
                      a control character, white space, ':', not UTF-8 ...); nothing changed
                  75  temporary failure: the agent or the store cannot be reached
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var route: Route
        @Option(help: "The service to record the attempt under.") var service = "hook"

        func run() async throws {
            let user: String
            let old: Secret
            let new: Secret
            do {
                guard let userLine = try SecretReader.readLine(from: 0, what: "the account"),
                    let oldLine = try SecretReader.readLine(from: 0, what: "the current password"),
                    let newLine = try SecretReader.readLine(from: 0, what: "the new password")
                else { Hook.exit(64, "expected three lines on standard input: account, current password, new password") }
                // The same check as every other entry point's: a NUL, a control character or
                // bytes that are not UTF-8 change nothing and reach neither store nor audit trail.
                user = try userLine.withBytes { bytes throws(WachterError) in try Names.lookup(utf8: bytes) }
                (old, new) = (oldLine, newLine)
            } catch {
                Hook.exit(64, "\(error)")
            }
            if let client = route.client {
                let answer: AgentAnswer
                do {
                    answer = try client.sendBlocking(
                        [AgentClient.frame(.changePassword, service: service, user: user, secrets: [old, new])])[0]
                } catch {
                    Hook.exit(75, "\(error)")
                }
                switch answer.code {
                case .success where answer.reason.contains(AgentAnswer.cacheFlushFailedPrefix):
                    Hook.exit(3, answer.reason)
                case .success: Hook.exit(0, "the password was changed")
                case .policyRefused: Hook.exit(2, answer.reason)
                case .failure, .unknownUser: Hook.exit(1, "the current password is wrong")
                case .locked, .expired, .denied: Hook.exit(1, answer.reason)
                case .error: Hook.exit(75, answer.reason)
                }
            }
            let outcome: PasswordChangeOutcome
            do {
                // The hook's message is its one line on standard error: the follow-up's
                // failures come back in the outcome instead of being printed.
                outcome = try global.services(cacheFlush: route.cacheFlush, printFollowUps: false).accounts.changePassword(
                    account: user, old: old, new: new, service: service)
            } catch {
                Hook.exit(75, "\(error)")
            }
            switch outcome {
            case .changed(let failures):
                if let failure = failures.first {
                    Hook.exit(3, "the password was changed; \(AgentAnswer.cacheFlushFailedPrefix) \(failure)")
                }
                Hook.exit(0, "the password was changed")
            case .refused(let reason): Hook.exit(2, reason)
            case .rejected(let verification):
                Hook.exit(
                    1,
                    verification.result == .locked
                        ? (verification.reason ?? "the account is locked") : "the current password is wrong")
            }
        }
    }

    struct CheckPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpassword",
            abstract: "The checkpassword interface, for Dovecot's checkpassword passdb and others.",
            discussion: """
                Reads "user\\0password\\0timestamp\\0" from file descriptor 3 (at most 512 bytes,
                as the interface defines). On a match it sets USER (and AUTHORIZED=2 when
                AUTHORIZED=1 was given) and replaces itself with PROGRAM, which inherits every
                descriptor (Dovecot's checkpassword-reply writes to descriptor 4). Each attempt
                is a login event; the service is $SERVICE (imap, pop3 …) when set, and the source
                $TCPREMOTEIP.

                EXIT STATUS: 1 wrong password, unknown, locked or must-change account; 2 the
                input on descriptor 3 is malformed, the account name included (a control
                character, white space, ':' ...; nothing is recorded); 111 temporary failure
                (agent or store).
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var route: Route
        @Option(help: "The service to record (default: $SERVICE, else checkpassword).") var service: String?
        @Argument(parsing: .captureForPassthrough, help: "The program to run on success, with its arguments.")
        var program: [String] = []

        func validate() throws {
            guard !program.isEmpty else {
                throw ValidationError("Give the program to run on success, such as /usr/lib/dovecot/checkpassword-reply.")
            }
        }

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let serviceName = service ?? environment["SERVICE"].map { "dovecot-\($0)" } ?? "checkpassword"
            let source = environment["TCPREMOTEIP"].flatMap { $0.isEmpty ? nil : $0 }
            guard let input = try? SecretReader.readLine(from: 3, what: "the checkpassword input"),
                let (given, password) = Self.split(input)
            else { Hook.exit(2, "expected user\\0password\\0timestamp\\0 on descriptor 3") }
            let user: String
            do {
                user = try Names.lookup(given)
            } catch {
                Hook.exit(2, error.message)
            }
            let matched: Bool
            if let client = route.client {
                do {
                    let answer = try client.sendBlocking(
                        [AgentClient.frame(.authenticate, service: serviceName, user: user, source: source, secrets: [password])]
                    )[0]
                    if answer.code == .error { Hook.exit(111, answer.reason) }
                    matched = answer.code == .success
                } catch {
                    Hook.exit(111, "\(error)")
                }
            } else {
                do {
                    matched =
                        try global.services().logins.verify(
                            account: user, password: password, service: serviceName, source: source
                        )
                        .result == .success
                } catch {
                    Hook.exit(111, "\(error)")
                }
            }
            guard matched else { throw ExitCode(1) }
            var next = environment
            next["USER"] = try Names.lookup(user)
            if environment["AUTHORIZED"] == "1" { next["AUTHORIZED"] = "2" }
            let failure = ProgramExec.replaceProcess(with: program, environment: next)
            Hook.exit(111, "cannot run \(program[0]): \(failure)")
        }

        /// Splits the checkpassword input into the user and the password.
        static func split(_ input: Secret) -> (String, Secret)? {
            input.withBytes { bytes -> (String, Secret)? in
                let parts = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count >= 2, !parts[0].isEmpty, let user = String(validating: parts[0], as: UTF8.self) else {
                    return nil
                }
                return (user, Secret(bytes: Array(parts[1])))
            }
        }
    }
}

enum Hook {
    /// Prints one line on standard error and exits with `status`.
    static func exit(_ status: Int32, _ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        Foundation.exit(status)
    }
}
