internal import Foundation
public import Logging

/// Every operation of Wachter, by concern, over one shared ``ServiceContext``.
///
/// The command line, the hooks and the agent open this once and call one service
/// method per request; none of them touches the store.
public struct WachterServices: Sendable {
    /// What the services share.
    public private(set) var context: ServiceContext

    /// Creates the services over a context.
    ///
    /// - Parameter context: The shared context.
    public init(context: ServiceContext) { self.context = context }

    /// Customers.
    public var customers: CustomerService { CustomerService(context: context) }
    /// Accounts and their passwords.
    public var accounts: AccountService { AccountService(context: context) }
    /// Logins, lockout and login records.
    public var logins: LoginService { LoginService(context: context) }
    /// Hosted sites and their stored certificate checks.
    public var sites: SiteService { SiteService(context: context) }
    /// Export files for the servers.
    public var exports: ExportService { ExportService(context: context) }
    /// Imports of existing server files.
    public var imports: ImportService { ImportService(context: context) }
    /// The weekly report.
    public var reports: ReportService { ReportService(context: context) }
    /// Retention.
    public var retention: RetentionService { RetentionService(context: context) }
    /// The audit trail.
    public var audit: AuditService { AuditService(context: context) }
    /// The keys of personal data at rest.
    public var keys: KeyService { KeyService(context: context) }
    /// The host registry (docs/HOSTS.md).
    public var hosts: HostService { HostService(context: context) }
    /// Once-per-business jobs on hosts sharing a store.
    public var jobs: JobService { JobService(context: context) }
    /// Other hosts' changes, for the agent to follow.
    public var changes: ChangeFeed { ChangeFeed(context: context) }

    /// The clock the services use.
    public var clock: any WachterClock { context.clock }
    /// The logger the services use.
    public var logger: Logger { context.logger }

    /// Sets what runs after every committed change (the re-export and the cache flush).
    ///
    /// - Parameter observer: The observer, such as a ``ChangeFollowUp``.
    public mutating func observeChanges(_ observer: (any ChangeObserver)?) {
        context.changeObserver = observer
    }

    /// Names the host these services run on (``ServiceContext/host``), for tests of several
    /// hosts on one store object; the store keeps the host it was opened with for its audit
    /// entries (``open(_:policy:create:keyFile:clock:actor:logger:host:)`` sets both).
    ///
    /// - Parameter name: The host's name.
    /// - Throws: ``WachterError/Code/invalidInput`` for a malformed name (``HostName/validated(_:)``).
    public mutating func runOnHost(_ name: String) throws(WachterError) {
        context.host = try HostName.validated(name)
    }
}

extension WachterServices {
    /// Opens a store and builds the services under a policy.
    ///
    /// - Parameters:
    ///   - location: The store.
    ///   - policy: The loaded policy.
    ///   - create: Whether to create the store when it does not exist.
    ///   - keyFile: The key file of personal data (``KeyFile/path(explicit:store:environment:)``); nil stores
    ///     personal values unencrypted (tests and benchmarks only). A missing or unsafe file is
    ///     reported when personal data is first written or read, not here.
    ///   - clock: The clock.
    ///   - actor: Who is acting, for the audit trail.
    ///   - logger: The logger.
    ///   - host: The host it runs on (`serve --host`); by default ``HostName/current(environment:)``.
    /// - Returns: The services.
    /// - Throws: ``WachterError`` when the store cannot be opened or is insecure, the host name is
    ///   malformed, or the policy's hashing is refused.
    public static func open(
        _ location: StoreLocation, policy: WachterPolicy, create: Bool = false, keyFile: String? = nil,
        clock: any WachterClock = SystemClock(), actor: String = Actor.current(), logger: Logger = Logger(label: "wachter"),
        host: String? = nil
    ) throws -> WachterServices {
        let host = try HostName.validated(host ?? HostName.current())
        let store = try location.open(create: create, logger: logger, host: host)
        var context = try ServiceContext(store: store, policy: policy, clock: clock, actor: actor, logger: logger)
        context.host = host
        if let keyFile { context.fieldProtection = .load(keyFile) }
        return WachterServices(context: context)
    }

    /// Sets how personal values are protected (see ``FieldProtection``).
    ///
    /// - Parameter protection: Encrypt under keys, or (tests only) store plain values.
    public mutating func protectFields(_ protection: FieldProtection) {
        context.fieldProtection = protection
    }

    /// Creates the store, or brings an existing one's schema up to date, and creates the
    /// key file of personal data (mode 0600) when it is missing.
    ///
    /// - Parameters:
    ///   - location: The store.
    ///   - keyFile: The key file to create when missing; nil makes none.
    ///   - logger: The logger.
    /// - Returns: The names of the applied migrations, oldest first.
    /// - Throws: ``WachterError`` when the store cannot be created, opened or migrated, or the key
    ///   file cannot be written, or an existing one is unsafe or malformed.
    public static func initialize(
        _ location: StoreLocation, keyFile: String? = nil, logger: Logger = Logger(label: "wachter")
    ) throws -> [String] {
        let migrations =
            switch location {
            case .sqlite(let path): try SQLiteStore(path: path, create: true).appliedMigrations()
            case .postgres(let url): try PostgresStore(location: url, create: true, logger: logger).appliedMigrations()
            }
        if let keyFile { try KeyFile.createIfMissing(keyFile) }
        return migrations
    }
}
