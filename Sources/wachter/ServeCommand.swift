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

            --dovecot-policy also serves Dovecot's authentication policy protocol over HTTP
            (auth_policy_server_url = http://127.0.0.1:4001/): before each login Dovecot asks
            whether to go on (refused for a locked or must-change account and a throttled
            address), after it reports the result, which is recorded and counted towards
            the same lockout. See docs/DOVECOT.md.

            Several hosts on one PostgreSQL store (docs/HOSTS.md): each agent registers its
            host (--host) and renews it every --heartbeat; it listens for every host's
            changes and re-exports its own targets ($WACHTER_EXPORTS, else
            /etc/wachter/exports.toml) and runs its cache flush for them, catching up from
            where it left off after a restart or a lost connection. Lockout and source
            throttling count the failures every host recorded.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(
        help: ArgumentHelp(
            "This host's name on a shared store (default: $WACHTER_HOST, else the system's host name).",
            valueName: "name"))
    var host: String?
    @Option(help: ArgumentHelp("How often the host's record is renewed, such as 30s.", valueName: "period"))
    var heartbeat: Period = Period(argument: "30s")!
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
    @Option(
        name: .customLong("dovecot-policy"),
        help: ArgumentHelp(
            "Also serve Dovecot's policy protocol on this TCP address (PORT alone: loopback).",
            valueName: "address:port"))
    var dovecotPolicy: String?
    @Option(
        name: .customLong("dovecot-policy-api-header-file"),
        help: ArgumentHelp(
            "A file holding auth_policy_server_api_header's value (Name: value); Dovecot must send it.",
            valueName: "path"))
    var dovecotPolicyAPIHeaderFile: String?
    @Option(
        name: .customLong("dovecot-policy-basic-auth-file"),
        help: ArgumentHelp("A file holding user:password that Dovecot must send as basic credentials.", valueName: "path"))
    var dovecotPolicyBasicAuthFile: String?
    @Option(
        name: .customLong("dovecot-policy-tarpit"),
        help: ArgumentHelp(
            "Ask Dovecot to wait this many seconds before checking a guessed-at account (0: never).", valueName: "s"))
    var dovecotPolicyTarpit = 0
    @Option(
        name: .customLong("dovecot-policy-tarpit-after"),
        help: ArgumentHelp("Distinct failures of an account or address that start the tarpit.", valueName: "n"))
    var dovecotPolicyTarpitAfter = 3

    func validate() throws {
        for value in [lockoutFailures, sourceFailures].compactMap({ $0 })
        where !(1...LockoutSettings.hardCap).contains(value) {
            throw ValidationError(
                "--lockout-failures and --source-failures must be between 1 and \(LockoutSettings.hardCap).")
        }
        if let dovecotPolicy {
            do {
                _ = try DovecotPolicyConfiguration.parseAddress(dovecotPolicy)
            } catch let error as WachterError {
                throw ValidationError("--dovecot-policy: \(error.message), such as 127.0.0.1:4001.")
            }
        }
        guard (0...60).contains(dovecotPolicyTarpit), dovecotPolicyTarpitAfter >= 1 else {
            throw ValidationError("--dovecot-policy-tarpit takes 0 to 60 seconds, --dovecot-policy-tarpit-after at least 1.")
        }
        if let host {
            do {
                try HostName.validated(host)
            } catch {
                throw ValidationError("--host: \(error.message).")
            }
        }
        guard heartbeat.seconds >= 1 && heartbeat.seconds <= 3600 else {
            throw ValidationError("--heartbeat takes 1s to 1h, such as 30s.")
        }
        guard socket.hasPrefix("/") else {
            throw ValidationError("--socket takes an absolute path, such as /run/wachter/agent.sock.")
        }
    }

    func run() async throws {
        let policy = try global.loadPolicy()
        // Changes and lockouts run the services' one follow-up: the re-export, then the cache flush.
        let services = try global.services(policy: policy, cacheFlush: cacheFlush, host: host)
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
        try await Agent.run(
            services: services, configuration: configuration, logger: services.logger,
            dovecotPolicy: try dovecotPolicy.map { address in
                let (host, port) = try DovecotPolicyConfiguration.parseAddress(address)
                return DovecotPolicyConfiguration(
                    host: host, port: port,
                    apiHeader: try dovecotPolicyAPIHeaderFile.map {
                        .init(dovecotSetting: try DovecotPolicyConfiguration.readCredential($0))
                    },
                    basicCredentials: try dovecotPolicyBasicAuthFile.map {
                        .init(try DovecotPolicyConfiguration.readCredential($0))
                    },
                    tarpitAfter: dovecotPolicyTarpitAfter, tarpitSeconds: dovecotPolicyTarpit)
            }, heartbeat: .milliseconds(Int64(heartbeat.seconds * 1000)))
    }
}
