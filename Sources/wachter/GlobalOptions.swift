import ArgumentParser
import Foundation
import Logging
import WachterCore

/// The options every command takes: where the store and the policy are, and the output format.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store: a SQLite file, or a PostgreSQL URL.",
            discussion: """
                A path is a SQLite file. A URL postgresql://USER@HOST[:PORT][,HOST2[:PORT2]...]/DB\
                [?host=/socket/dir&sslmode=disable|prefer|require|verify-full&sslrootcert=PEM\
                &passfile=PATH&connect_timeout=S&target_session_attrs=read-write|any] is a PostgreSQL store shared by several
                servers; its password comes from a pgpass file (passfile=, $PGPASSFILE or ~/.pgpass, mode 0600), never from
                the URL. Default: $WACHTER_STORE, else /var/lib/wachter/wachter.sqlite for root, else
                ~/.local/share/wachter/wachter.sqlite.
                """,
            valueName: "path|url"))
    var store: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The policy file.",
            discussion:
                "Default: $WACHTER_POLICY, else /etc/wachter/policy.toml, else the built-in copy of policies/default.toml.",
            valueName: "path"))
    var policy: String?

    @Flag(name: .long, help: "Print data as JSON instead of text.")
    var json = false

    @Flag(name: [.customShort("v"), .long], help: "Log what wachter does on standard error.")
    var verbose = false

    /// The store name in effect: --store, $WACHTER_STORE, or the default SQLite file.
    var storeName: String {
        store ?? ProcessInfo.processInfo.environment["WACHTER_STORE"] ?? StoreFiles.defaultPath()
    }

    /// The store in effect.
    func storeLocation() throws -> StoreLocation { try StoreLocation(storeName) }

    /// The key file of personal data: $WACHTER_KEY_FILE, else /etc/wachter/key for root's default store, else beside
    /// the store (a PostgreSQL store: /etc/wachter/key for root, else ~/.config/wachter/key).
    var keyFilePath: String { KeyFile.path(store: storeName) }

    /// Where the policy is read from: --policy, $WACHTER_POLICY, /etc/wachter/policy.toml, or the built-in default.
    func policyLocation() -> PolicyFile.Location { PolicyFile.locate(explicit: policy) }

    /// Reads and checks the policy in effect.
    func loadPolicy() throws -> WachterPolicy { try PolicyFile.load(policyLocation()) }

    /// Opens the store and builds the services every command calls, under the policy in effect.
    ///
    /// Every change then runs the one follow-up (``ChangeFollowUp``): the re-export of
    /// the configured files, and the cache flush named by `cacheFlush`, else
    /// `$WACHTER_CACHE_FLUSH`; failures are printed and make `wachter` exit 75.
    func services(
        create: Bool = false, policy loaded: WachterPolicy? = nil, cacheFlush: String? = nil, printFollowUps: Bool = true,
        host: String? = nil
    ) throws -> WachterServices {
        let logger = Self.bootstrapLogging(verbose: verbose)
        let policy = try loaded ?? loadPolicy()
        var services = try WachterServices.open(
            storeLocation(), policy: policy, create: create, keyFile: keyFilePath, clock: Self.clock(),
            logger: logger, host: host)
        services.observeChanges(
            ReExportReporting.followUp(
                configurationPath: exportsConfigurationPath(nil), printing: printFollowUps,
                cacheFlush: (cacheFlush ?? ProcessInfo.processInfo.environment["WACHTER_CACHE_FLUSH"]).flatMap(
                    CacheFlushCommand.init(template:))))
        return services
    }

    /// `WACHTER_NOW` (an ISO 8601 time) fixes the clock; it exists for tests of expiry and retention.
    static func clock() -> any WachterClock {
        if let text = ProcessInfo.processInfo.environment["WACHTER_NOW"], let date = ISO8601DateFormatter().date(from: text) {
            return FixedClock(date)
        }
        return SystemClock()
    }

    private static func bootstrapLogging(verbose: Bool) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .info : .warning
            return handler
        }
        return Logger(label: "wachter")
    }
}

/// How a command reads a password: a prompt, standard input or a file.
struct PasswordOptions: ParsableArguments {
    @Flag(name: .long, help: "Read the password from standard input, one line, instead of a prompt.")
    var passwordStdin = false

    @Option(name: .long, help: ArgumentHelp("Read the password from the first line of this file.", valueName: "path"))
    var passwordFile: String?

    func validate() throws {
        if passwordStdin && passwordFile != nil {
            throw ValidationError("Give either --password-stdin or --password-file, not both.")
        }
    }

    /// Reads a password; at a terminal, prompts (twice when `confirm` is set).
    func read(prompt: String = "Password: ", confirm: Bool) throws -> Secret {
        if let passwordFile {
            return try SecretReader.readFirstLine(ofFile: passwordFile)
        }
        if passwordStdin || !SecretReader.standardInputIsTerminal {
            guard passwordStdin else {
                throw ValidationError("Standard input is not a terminal: pipe the password and give --password-stdin.")
            }
            guard let secret = try SecretReader.readLine() else {
                throw WachterError(.inputFailure, "standard input was empty; expected a password on the first line")
            }
            return secret
        }
        let first = try SecretReader.prompt(prompt)
        if confirm {
            let second = try SecretReader.prompt("Again: ")
            guard first.constantTimeEquals(second) else {
                throw WachterError(.inputFailure, "the two passwords typed differ; nothing was changed")
            }
        }
        return first
    }
}

/// Printing results: JSON for machines, text for people.
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        print(try jsonString(value))
    }

    /// The JSON every command prints: pretty, sorted keys, ISO 8601 dates.
    static func jsonString<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A message for people, on standard error so that standard output stays data.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
