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
}

extension WachterServices {
    /// Opens a store and builds the services under a policy.
    ///
    /// - Parameters:
    ///   - location: The store.
    ///   - policy: The loaded policy.
    ///   - create: Whether to create the store when it does not exist.
    ///   - clock: The clock.
    ///   - actor: Who is acting, for the audit trail.
    ///   - logger: The logger.
    /// - Returns: The services.
    /// - Throws: ``WachterError`` when the store cannot be opened or is insecure, or the policy's hashing is refused.
    public static func open(
        _ location: StoreLocation, policy: WachterPolicy, create: Bool = false, clock: any WachterClock = SystemClock(),
        actor: String = Actor.current(), logger: Logger = Logger(label: "wachter")
    ) throws -> WachterServices {
        let store = try location.open(create: create, logger: logger)
        return WachterServices(
            context: try ServiceContext(store: store, policy: policy, clock: clock, actor: actor, logger: logger))
    }

    /// Creates the store, or brings an existing one's schema up to date.
    ///
    /// - Parameters:
    ///   - location: The store.
    ///   - logger: The logger.
    /// - Returns: The names of the applied migrations, oldest first.
    /// - Throws: ``WachterError`` when the store cannot be created, opened or migrated.
    public static func initialize(_ location: StoreLocation, logger: Logger = Logger(label: "wachter")) throws -> [String] {
        switch location {
        case .sqlite(let path): try SQLiteStore(path: path, create: true).appliedMigrations()
        case .postgres(let url): try PostgresStore(location: url, create: true, logger: logger).appliedMigrations()
        }
    }
}
