public import Foundation

/// A site's endpoint and its latest certificate check, as the report reads it: one
/// per endpoint of the site's latest run.
///
/// The TLS checker's `SiteCheckResult` maps onto it: `verdict.rawValue`, each
/// problem's sentence, `checkedAt` and `notAfter`.
public struct SiteCheckSummary: Sendable, Equatable {
    /// The site's domain.
    public var domain: String
    /// The customer's id, where the site has one.
    public var customerID: String?
    /// The customer's name, where known.
    public var customerName: String?
    /// The latest verdict: `ok`, `warning`, `critical` or `unknown`; nil when never checked.
    public var verdict: String?
    /// The latest check's problems, as sentences.
    public var problems: [String]
    /// When the site was last checked; nil when never.
    public var checkedAt: Date?
    /// The certificate's end of validity, from the latest check.
    public var notAfter: Date?
    /// Where the check connected (`host:port`); nil for files alone or an old check.
    public var endpoint: String?
    /// The STARTTLS protocol (`imap`, `pop3`, `smtp`, `ftp`) spoken there, if any.
    public var starttls: String?
    /// The latest check's problem codes, such as `revoked`.
    public var codes: [String]

    /// Creates a summary.
    ///
    /// - Parameters:
    ///   - domain: The domain.
    ///   - customerID: The customer's id.
    ///   - customerName: The customer's name.
    ///   - verdict: The latest verdict, or nil when never checked.
    ///   - problems: The latest problems.
    ///   - checkedAt: The latest check's time.
    ///   - notAfter: The certificate's end of validity.
    ///   - endpoint: Where the check connected.
    ///   - starttls: The STARTTLS protocol spoken there.
    ///   - codes: The problem codes.
    public init(
        domain: String, customerID: String? = nil, customerName: String? = nil, verdict: String? = nil,
        problems: [String] = [], checkedAt: Date? = nil, notAfter: Date? = nil, endpoint: String? = nil,
        starttls: String? = nil, codes: [String] = []
    ) {
        self.endpoint = endpoint
        self.starttls = starttls
        self.codes = codes
        self.domain = domain
        self.customerID = customerID
        self.customerName = customerName
        self.verdict = verdict
        self.problems = problems
        self.checkedAt = checkedAt
        self.notAfter = notAfter
    }
}

/// Where the report reads sites and their latest checks.
///
/// The TLS work stores its results; until it does, ``StoredSiteChecks`` finds no
/// tables and the report's site section is empty.
public protocol SiteCheckSource: Sendable {
    /// Every known site with its latest check (or none).
    ///
    /// - Returns: One summary per site.
    /// - Throws: ``WachterError`` when the source cannot be read.
    func latestChecks() throws -> [SiteCheckSummary]
}

/// A source with no sites.
public struct NoSiteChecks: SiteCheckSource {
    /// Creates the empty source.
    public init() {}

    /// No sites.
    ///
    /// - Returns: An empty list.
    public func latestChecks() -> [SiteCheckSummary] { [] }
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
    /// - Returns: One summary per site.
    /// - Throws: ``WachterError/Code/storeFailure``.
    public func latestChecks() throws -> [SiteCheckSummary] {
        try store.read { try $0.latestSiteChecks() } ?? []
    }
}
