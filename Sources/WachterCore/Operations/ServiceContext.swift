internal import Foundation
public import Logging

/// What every service of Wachter shares: the store, the policy's rules per kind of
/// account, the clock, who is acting, the logger, and what runs after a change.
///
/// The store is internal to the library: the executable, the agent and the hooks
/// reach it only through the services (``WachterServices``), so that every path obeys
/// the same policy, writes the same audit entries and records the same login events.
public struct ServiceContext: Sendable {
    /// The store; only the services touch it.
    let store: any CredentialStore
    /// The rules of each kind of account: hashing, history, lockout, rotation.
    public let rules: [AccountKind: KindRules]
    /// The rules a new password must meet.
    public let acceptance: any PasswordAcceptance
    /// The clock.
    public let clock: any WachterClock
    /// Who is acting, for the audit trail.
    public let actor: String
    /// The logger; data goes into metadata, never secrets.
    public let logger: Logger
    /// Told after every committed change to a password, lock or account: the
    /// re-export and the cache flush (``ChangeFollowUp``); none by default.
    public var changeObserver: (any ChangeObserver)?
    /// How personal values are protected before they reach the store: encrypted under the
    /// key file's keys on the command line and in the agent (``WachterServices/open(_:policy:create:keyFile:clock:actor:logger:)``);
    /// plain by default, for tests and embedding.
    public var fieldProtection: FieldProtection = .off
    /// The host this process runs on, on a store several hosts share (docs/HOSTS.md):
    /// its export stamps and the jobs it runs carry this name.
    public var host: String = HostName.current()

    /// Creates the context from a policy file's settings.
    ///
    /// - Parameters:
    ///   - store: The store.
    ///   - policy: The loaded policy: strength, hashing, rotation, reuse and lockout per kind.
    ///   - clock: The clock.
    ///   - actor: Who is acting.
    ///   - logger: The logger.
    /// - Throws: ``WachterError`` for a hashing setting libxcrypt refuses or a blocklist that cannot be read.
    public init(
        store: any CredentialStore, policy: WachterPolicy, clock: any WachterClock = SystemClock(),
        actor: String = Actor.current(), logger: Logger = Logger(label: "wachter")
    ) throws {
        var rules: [AccountKind: KindRules] = [:]
        var breachedFiles: [String: BreachedPasswordFile] = [:]
        for kind in AccountKind.allCases {
            let settings = policy.settings(forKind: kind.rawValue)
            rules[kind] = KindRules(
                hasher: try PasswordHasher(policy: settings.hashing.hashingPolicy), historyDepth: settings.reuse.history,
                lockout: LockoutPolicy(settings: settings.lockout), rotation: settings.rotation)
            rules[kind]?.acrossAccounts = settings.reuse.acrossAccounts
            rules[kind]?.acrossAccountsLimit = settings.reuse.acrossAccountsLimit
            try rules[kind]?.useBreachedFile(settings.strength, policy: policy, opened: &breachedFiles)
        }
        let acceptance = try PolicyAcceptance(policy: policy, now: { @Sendable [clock] in clock.now() })
        self.init(store: store, rules: rules, acceptance: acceptance, clock: clock, actor: actor, logger: logger)
    }

    /// Creates the context with one hasher for every kind (tests and embedding).
    ///
    /// - Parameters:
    ///   - store: The store.
    ///   - hasher: The hasher for every kind.
    ///   - acceptance: The password rules.
    ///   - historyDepth: Earlier hashes kept per account.
    ///   - lockout: The lockout numbers.
    ///   - rotation: The rotation settings; by default passwords never expire.
    ///   - clock: The clock.
    ///   - actor: Who is acting.
    ///   - logger: The logger.
    public init(
        store: any CredentialStore, hasher: PasswordHasher, acceptance: any PasswordAcceptance = MinimumLengthRule(),
        historyDepth: Int = 5, lockout: LockoutSettings = LockoutSettings(), rotation: RotationSettings = .never,
        clock: any WachterClock = SystemClock(), actor: String = Actor.current(), logger: Logger = Logger(label: "wachter")
    ) {
        let kindRules = KindRules(
            hasher: hasher, historyDepth: historyDepth, lockout: LockoutPolicy(settings: lockout), rotation: rotation)
        self.init(
            store: store, rules: Dictionary(uniqueKeysWithValues: AccountKind.allCases.map { ($0, kindRules) }),
            acceptance: acceptance, clock: clock, actor: actor, logger: logger)
    }

    private init(
        store: any CredentialStore, rules: [AccountKind: KindRules], acceptance: any PasswordAcceptance,
        clock: any WachterClock, actor: String, logger: Logger
    ) {
        self.store = store
        self.rules = rules
        self.acceptance = acceptance
        self.clock = clock
        self.actor = actor
        self.logger = logger
    }

    /// The rules of one kind of account.
    public func rules(for kind: AccountKind) -> KindRules {
        // Every initialiser fills in every kind.
        rules[kind]!
    }

    /// Tells the ``changeObserver``, if any, of a committed change.
    ///
    /// - Returns: What failed after the change (a re-export, a reload, a cache flush);
    ///   the change itself is saved either way.
    @discardableResult
    func notifyChange(_ action: String, _ accounts: [String], kinds: Set<AccountKind>) -> [WachterError] {
        changeObserver?.credentialsChanged(CredentialChange(action: action, accounts: accounts, kinds: kinds), in: self) ?? []
    }
}

/// A service that works on a ``ServiceContext``: the shared helpers, so that each
/// service's code reads `store`, `clock`, `actor` and `rules(for:)` as its own.
protocol ContextualService: Sendable {
    /// The shared context.
    var context: ServiceContext { get }
}

extension ContextualService {
    var store: any CredentialStore { context.store }
    var clock: any WachterClock { context.clock }
    var actor: String { context.actor }
    var logger: Logger { context.logger }

    func rules(for kind: AccountKind) -> KindRules { context.rules(for: kind) }

    @discardableResult
    func notifyChange(_ action: String, _ accounts: [String], kinds: Set<AccountKind>) -> [WachterError] {
        context.notifyChange(action, accounts, kinds: kinds)
    }

    @discardableResult
    func notifyChange(_ action: String, _ account: String, _ kind: AccountKind) -> [WachterError] {
        context.notifyChange(action, [account], kinds: [kind])
    }
}

/// How the services name records in lookups and errors.
enum Lookup {
    /// Account names are checked (``Names/lookup(_:)``) and looked up in canonical form:
    /// a mailbox's domain lower-cased and in punycode; a malformed name is an error, and
    /// nothing is looked up, recorded or written under it.
    static func canonicalName(_ name: String) throws -> String {
        try Names.lookup(name)
    }

    static func noCustomer(_ id: String) -> WachterError {
        WachterError(.notFound, "there is no customer '\(id)'; `wachter customer list` shows them")
    }

    static func noAccount(_ name: String) -> WachterError {
        WachterError(.notFound, "there is no account \(Names.quote(name)); `wachter account list` shows them")
    }

    static func taken(_ name: String) -> WachterError {
        WachterError(.alreadyExists, "an account \(Names.quote(name)) exists already")
    }

    static func minute(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func day(_ date: Date) -> String {
        String(minute(date).prefix(10))
    }
}
