import ArgumentParser
import Foundation
import Logging
import WachterAgent
import WachterCore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the agent that PAM and the hooks ask (docs/PROTOCOL.md).",
        discussion: """
            Listens on a Unix socket (default /run/wachter/agent.sock), created mode 0660,
            owner root, group wachter where that group exists. Only root, the members of that
            group and the --allow-uid users may ask. Every authentication is recorded as a
            login event; failures lock the account (--lockout-*) and throttle the source
            address (--source-*). SIGTERM or SIGINT stop it gracefully: it stops accepting,
            answers what it is answering, writes the queued login events and removes the
            socket.

            The lockout numbers come from the policy's [defaults.lockout] section; a kind's
            own section may lower the failure threshold (panel logins: 5 in the shipped
            policy). The --lockout-* and --source-* options override the policy.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The socket's path.", valueName: "path")) var socket = AgentConfiguration.defaultSocketPath
    @Option(help: ArgumentHelp("The socket's group; its members may ask.", valueName: "name")) var group = "wachter"
    @Option(name: .customLong("allow-uid"), help: ArgumentHelp("Also let this user id ask (repeatable).", valueName: "uid"))
    var allowUIDs: [UInt32] = []
    @Option(help: ArgumentHelp("Hashing threads (default: one per core).", valueName: "n")) var threads: Int?
    @Option(help: ArgumentHelp("Failures within the window that lock an account.", valueName: "n"))
    var lockoutFailures: Int?
    @Option(help: ArgumentHelp("The account's counting window, in seconds.", valueName: "s"))
    var lockoutWindow: Int?
    @Option(help: ArgumentHelp("How long an account stays locked, in seconds.", valueName: "s"))
    var lockoutDuration: Int?
    @Option(help: ArgumentHelp("Failures within the window that throttle a source address.", valueName: "n"))
    var sourceFailures: Int?
    @Option(help: ArgumentHelp("The source's counting window, in seconds.", valueName: "s"))
    var sourceWindow: Int?
    @Option(help: ArgumentHelp("How long a source stays throttled, in seconds.", valueName: "s"))
    var sourceDuration: Int?
    @Option(
        help: ArgumentHelp(
            "Run after every change and lockout, %u replaced by the account (default: $WACHTER_CACHE_FLUSH).",
            valueName: "command"))
    var cacheFlush: String?

    func validate() throws {
        for value in [lockoutFailures, sourceFailures].compactMap({ $0 })
        where !(1...LockoutSettings.hardCap).contains(value) {
            throw ValidationError(
                "--lockout-failures and --source-failures must be between 1 and \(LockoutSettings.hardCap).")
        }
        guard socket.hasPrefix("/") else {
            throw ValidationError("--socket takes an absolute path, such as /run/wachter/agent.sock.")
        }
    }

    func run() async throws {
        let policy = try global.loadPolicy()
        // Changes and lockouts run the services' one follow-up: the re-export, then the cache flush.
        let services = try global.services(policy: policy, cacheFlush: cacheFlush)
        var lockout = policy.defaults.lockout
        if let lockoutFailures { lockout.failures = lockoutFailures }
        if let lockoutWindow { lockout.window = TimeInterval(lockoutWindow) }
        if let lockoutDuration { lockout.duration = TimeInterval(lockoutDuration) }
        if let sourceFailures { lockout.sourceFailures = sourceFailures }
        if let sourceWindow { lockout.sourceWindow = TimeInterval(sourceWindow) }
        if let sourceDuration { lockout.sourceDuration = TimeInterval(sourceDuration) }
        let configuration = AgentConfiguration(
            socketPath: socket, socketGroup: group, access: PeerAccess(uids: Set(allowUIDs)), lockout: lockout,
            hashingThreads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        try await Agent.run(services: services, configuration: configuration, logger: services.logger)
    }
}
