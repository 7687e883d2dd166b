public import Foundation
public import WachterCore

/// One run of `wachter site check`: which sites and endpoints to check, the checks, and
/// the results of registered sites stored for `site list` and the weekly report.
public struct SiteCheckRun: Sendable {
    /// What the operator named on the command line.
    public struct Selection: Sendable {
        /// Domains to check; none means every registered site.
        public var domains: [String]
        /// An endpoint that replaces the sites' own.
        public var connect: Endpoint?
        /// A STARTTLS protocol for that endpoint.
        public var starttls: StartTLSProtocol?
        /// A certificate file that replaces the site's.
        public var certFile: String?
        /// A key file that replaces the site's.
        public var keyFile: String?
        /// Check the files alone, without a connection.
        public var filesOnly: Bool

        /// Creates a selection.
        ///
        /// - Parameters:
        ///   - domains: Domains to check; none means every registered site.
        ///   - connect: An endpoint that replaces the sites' own.
        ///   - starttls: A STARTTLS protocol for that endpoint.
        ///   - certFile: A certificate file.
        ///   - keyFile: A key file.
        ///   - filesOnly: Check the files alone.
        public init(
            domains: [String] = [], connect: Endpoint? = nil, starttls: StartTLSProtocol? = nil, certFile: String? = nil,
            keyFile: String? = nil, filesOnly: Bool = false
        ) {
            self.domains = domains
            self.connect = connect
            self.starttls = starttls
            self.certFile = certFile
            self.keyFile = keyFile
            self.filesOnly = filesOnly
        }
    }

    /// The checker.
    public let checker: SiteChecker
    /// The registered sites, where a store is in use; ad-hoc domains need none.
    public let sites: SiteService?

    /// Creates a run.
    ///
    /// - Parameters:
    ///   - checker: The checker, with its trust, timeouts and revocation settings.
    ///   - sites: The registered sites, or nil when no store is in use.
    public init(checker: SiteChecker, sites: SiteService?) {
        self.checker = checker
        self.sites = sites
    }

    /// Checks the selected sites and stores the results of the registered ones.
    ///
    /// - Parameters:
    ///   - selection: What to check.
    ///   - now: The time the checks judge dates against.
    ///   - progress: Called with the number of checks done and in all.
    /// - Returns: One result per endpoint checked, in order.
    /// - Throws: ``WachterError`` for a bad domain, when nothing is registered and nothing
    ///   named, or when the store fails.
    public func run(
        _ selection: Selection, now: Date, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) async throws -> [SiteCheckResult] {
        var registered: [String: Site] = [:]
        for (site, _) in try sites?.list() ?? [] { registered[site.domain] = site }
        var seen = Set<String>()
        let names = selection.domains.isEmpty ? registered.keys.sorted() : try selection.domains.map { try Names.domain($0) }
        if names.isEmpty {
            throw WachterError(
                .notFound, "no sites are registered; add one with `wachter site add DOMAIN --customer ID`, or name domains")
        }
        let requests = names.filter { seen.insert($0).inserted }.flatMap { domain in
            Self.requests(for: domain, site: registered[domain], selection: selection)
        }
        let results = await checker.check(requests, now: now) { done, total in progress?(done, total) }
        try sites?.record(results.filter { registered[$0.domain] != nil })
        return results
    }

    /// The checks of one domain: the selection's endpoint or files alone when it gives
    /// them; else each endpoint of the registered site (its files with the first), or its
    /// files alone; else the domain on port 443.
    static func requests(for domain: String, site: Site?, selection: Selection) -> [SiteCheckRequest] {
        let certFile = selection.certFile ?? site?.certFile
        let keyFile = selection.keyFile ?? site?.keyFile
        if selection.filesOnly || (site?.filesOnly == true && selection.connect == nil && selection.starttls == nil) {
            return [SiteCheckRequest(domain: domain, certFile: certFile, keyFile: keyFile, connects: false)]
        }
        let endpoints = site?.endpoints ?? []
        if selection.connect != nil || selection.starttls != nil || endpoints.isEmpty {
            return [
                SiteCheckRequest(
                    domain: domain, connect: selection.connect, certFile: certFile, keyFile: keyFile,
                    starttls: selection.starttls)
            ]
        }
        return endpoints.enumerated().map { index, registered in
            let starttls = registered.starttls.flatMap(StartTLSProtocol.init(rawValue:))
            return SiteCheckRequest(
                domain: domain, connect: Endpoint(parsing: registered.connect, defaultPort: starttls?.defaultPort ?? 443),
                certFile: index == 0 ? certFile : nil, keyFile: index == 0 ? keyFile : nil, starttls: starttls)
        }
    }
}
