import ArgumentParser
import Foundation
import WachterCore

struct PasswdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Set an account's password; the policy applies.",
        discussion: """
            The password is typed at a prompt (twice) or read from standard input with
            --password-stdin. It must meet the policy and must not be one of the account's
            earlier passwords. Setting it clears a must-change flag and a lockout.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The account's name.") var name: String
    @OptionGroup var password: PasswordOptions

    func run() throws {
        let service = try global.services()
        let secret = try password.read(prompt: "New password for \(name): ", confirm: true)
        try service.accounts.setPassword(account: name, to: secret)
        Output.note("Password of \(name) changed.")
    }
}

struct ResetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Reset a password: print a temporary one once, and force a change.",
        discussion: """
            A temporary password (four groups of five characters without look-alikes, about
            99 bits) is printed once, alone on standard output, so that a script can capture
            it: PW=$(wachter reset info@example.nl). The account must change it at the next
            login. A lockout after failed logins is lifted; an operator's lock stays.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The account's name.") var name: String

    func run() throws {
        let temporary = try global.services().accounts.reset(account: name)
        printSecret(temporary)
        Output.note("Password of \(name) reset; it must be changed at the next login.")
    }
}

struct LockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock", abstract: "Lock an account: every login is refused until it is unlocked.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The account's name.") var name: String

    func run() throws {
        try global.services().accounts.lock(account: name)
        Output.note("Locked \(name).")
    }
}

struct UnlockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock", abstract: "Unlock an account, and clear a lockout after failed logins.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The account's name.") var name: String

    func run() throws {
        try global.services().accounts.unlock(account: name)
        Output.note("Unlocked \(name).")
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a password against an account; exit 0 on a match.",
        discussion: """
            The attempt is recorded as a login event (service cli unless --service says
            otherwise). Exit status: 0 the password matches (also when the account must
            change its password, which is said on standard error); 1 it does not match, the
            account is locked, or there is no such account.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The account's name.") var name: String
    @Option(help: "The service to record the attempt under.") var service = "cli"
    @Option(help: ArgumentHelp("The client's address to record.", valueName: "address")) var source: String?
    @OptionGroup var password: PasswordOptions

    struct Result: Encodable {
        var account: String
        var result: String
        var matched: Bool
        var reason: String?
    }

    func run() throws {
        let credentials = try global.services()
        let secret = try password.read(confirm: false)
        let outcome = try credentials.logins.verify(account: name, password: secret, service: service, source: source)
        if global.json {
            try Output.json(
                Result(account: name, result: outcome.result.rawValue, matched: outcome.matched, reason: outcome.reason))
        } else {
            Output.note("\(outcome.result.rawValue)\(outcome.reason.map { ": \($0)" } ?? "")")
        }
        if !outcome.matched { throw ExitCode.failure }
    }
}

struct LoginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logins", abstract: "List recorded login attempts, newest first.")
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only this account's attempts.", valueName: "name")) var account: String?
    @Option(help: ArgumentHelp("Only attempts within this period, such as 7d, 12h or 30m.", valueName: "period"))
    var since: Period?
    @Flag(help: "Only attempts that did not succeed.") var failed = false

    func run() throws {
        let service = try global.services()
        let start = since.map { service.clock.now().addingTimeInterval(-$0.seconds) }
        let events = try service.logins.events(account: account, since: start, failedOnly: failed)
        if global.json { return try Output.json(events) }
        Output.table(
            ["TIME", "ACCOUNT", "SERVICE", "SOURCE", "RESULT", "REASON"],
            events.map { [Output.date($0.time), $0.account, $0.service, $0.source ?? "-", $0.result.rawValue, $0.reason ?? ""] })
    }
}

/// A period such as `7d`, `12h`, `30m` or `90s`.
struct Period: ExpressibleByArgument {
    var seconds: TimeInterval

    init?(argument: String) {
        guard let unit = argument.last, let value = Double(argument.dropLast()), value >= 0 else { return nil }
        switch unit {
        case "d": seconds = value * 86_400
        case "h": seconds = value * 3_600
        case "m": seconds = value * 60
        case "s": seconds = value
        case "w": seconds = value * 604_800
        default: return nil
        }
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the operator audit trail, or verify its hash chain.",
        discussion: """
            Every operator action (customer and account changes, passwd, reset, lock,
            unlock) is an entry chained to the one before by SHA-256. --verify recomputes
            the chain and exits 1 when an entry was edited or removed.

            After each change, the trail's head (sequence number and hash) is recorded
            outside the store, in the file beside it with .audit-head added (0600).
            --verify also exits 1 when the trail ends before that head or holds another
            entry there: its newest entries were cut off. A store from before this anchor
            is anchored by its next change; until then --verify warns on stderr.
            """)
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Verify the hash chain instead of listing the entries.") var verify = false

    struct Result: Encodable {
        var intact: Bool
        var entries: Int?
        var brokenAt: Int64?
        var reason: String?
    }

    func run() throws {
        let service = try global.services()
        if verify {
            switch try service.audit.verify() {
            case .intact(let count):
                if global.json {
                    try Output.json(Result(intact: true, entries: count))
                } else {
                    print("audit trail intact: \(count) entries")
                }
            case .broken(let sequence, let reason):
                if global.json {
                    try Output.json(Result(intact: false, brokenAt: sequence, reason: reason))
                } else {
                    print("audit trail BROKEN: \(reason)")
                }
                throw ExitCode.failure
            }
            return
        }
        let entries = try service.audit.trail()
        if global.json { return try Output.json(entries) }
        Output.table(
            ["#", "TIME", "ACTOR", "ACTION", "TARGET", "DETAIL"],
            entries.map { [String($0.sequence), Output.date($0.time), $0.actor, $0.action, $0.target, $0.detail] })
    }
}
