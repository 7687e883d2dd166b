/// A registered site with its customer and one endpoint's latest stored check, as the
/// report and `site list` read it: one per endpoint of the site's latest run, or one
/// without a check for a site never checked.
///
/// The check is the one check result type, ``SiteCheckResult``; this only adds the site's
/// customer to it.
public struct SiteLatestCheck: Sendable, Equatable {
    /// The site's domain.
    public var domain: String
    /// The customer's id, where the site has one.
    public var customerID: String?
    /// The customer's name, where known.
    public var customerName: String?
    /// The latest check of one endpoint; nil when the site was never checked.
    public var check: SiteCheckResult?

    /// Creates a site with its latest check.
    ///
    /// - Parameters:
    ///   - domain: The domain.
    ///   - customerID: The customer's id.
    ///   - customerName: The customer's name.
    ///   - check: The latest check, or nil when never checked.
    public init(domain: String, customerID: String? = nil, customerName: String? = nil, check: SiteCheckResult? = nil) {
        self.domain = domain
        self.customerID = customerID
        self.customerName = customerName
        self.check = check
    }
}

/// Where the report reads sites and their latest checks.
///
/// The TLS work stores its results; until it does, ``StoredSiteChecks`` finds no
/// tables and the report's site section is empty.
public protocol SiteCheckSource: Sendable {
    /// Every known site with its latest check (or none).
    ///
    /// - Returns: One entry per endpoint of each site's latest run, one without a check per site never checked.
    /// - Throws: ``WachterError`` when the source cannot be read.
    func latestChecks() throws -> [SiteLatestCheck]
}

/// A source with no sites.
public struct NoSiteChecks: SiteCheckSource {
    /// Creates the empty source.
    public init() {}

    /// No sites.
    ///
    /// - Returns: An empty list.
    public func latestChecks() -> [SiteLatestCheck] { [] }
}

/// Sites and checks from the store's `site` and `site_check` tables, where they exist.
///
/// The layout read is described in docs/REPORT.md ("Site checks in the store").
public struct StoredSiteChecks: SiteCheckSource {
    /// The store.
    public let store: any CredentialStore

    /// Creates the source.
    ///
    /// - Parameter store: The store to read.
    public init(store: any CredentialStore) { self.store = store }

    /// Every site in the store with its latest check; none when the tables do not exist.
    ///
    /// - Returns: One entry per endpoint of each site's latest run, one without a check per site never checked.
    /// - Throws: ``WachterError/Code/storeFailure``.
    public func latestChecks() throws -> [SiteLatestCheck] {
        try store.read { try $0.latestSiteChecks() } ?? []
    }
}
