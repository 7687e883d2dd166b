internal import Foundation

/// Hosted sites registered for certificate checks, and their stored checks.
public struct SiteService: ContextualService {
    let context: ServiceContext

    /// Registers a hosted site for certificate checks.
    ///
    /// - Parameters:
    ///   - domain: The domain; an internationalised one is stored in punycode.
    ///   - customerID: The owner.
    ///   - connect: Where to connect (`host:port`) instead of the domain on port 443.
    ///   - certFile: The certificate file the web server uses.
    ///   - keyFile: The key file the web server uses.
    /// - Returns: The stored site.
    /// - Throws: ``WachterError`` for a bad domain or endpoint, an unknown customer or a taken domain.
    @discardableResult
    public func add(
        domain: String, customerID: String, connect: String? = nil, certFile: String? = nil, keyFile: String? = nil
    ) throws -> Site {
        let canonical = try Names.domain(domain)
        if let connect { try Self.checkEndpoint(connect) }
        for (what, path) in [("certificate file", certFile), ("key file", keyFile)] {
            if let path, !path.hasPrefix("/") || path.contains("\n") || path.contains("\0") {
                throw WachterError(.invalidInput, "the \(what) must be an absolute path, such as /etc/ssl/certs/\(canonical).pem")
            }
        }
        let site = Site(
            domain: canonical, customerID: customerID, connect: connect, certFile: certFile, keyFile: keyFile,
            createdAt: clock.now())
        try store.write { writer in
            guard try writer.customer(id: customerID) != nil else {
                throw WachterError(.notFound, "there is no customer '\(customerID)'; `wachter customer list` shows them")
            }
            guard try writer.site(domain: canonical) == nil else {
                throw WachterError(.alreadyExists, "the site \(canonical) exists already")
            }
            try writer.insert(site)
            try AuditChain.append(
                to: writer, time: site.createdAt, actor: actor, action: "site.add", target: canonical,
                detail: "customer=\(customerID)")
        }
        return site
    }

    /// Sites, optionally of one customer, with their latest check.
    ///
    /// - Parameter customerID: Only this customer's sites.
    /// - Returns: Each site with its latest stored check, if any.
    /// - Throws: ``WachterError`` when the store fails.
    public func list(customerID: String? = nil) throws -> [(site: Site, latest: SiteCheckSummary?)] {
        try store.read { reader in
            let latest = Dictionary((try reader.latestSiteChecks() ?? []).map { ($0.domain, $0) }) { first, _ in first }
            return try reader.sites(customerID: customerID).map {
                ($0, latest[$0.domain].flatMap { $0.verdict == nil ? nil : $0 })
            }
        }
    }

    /// The site with this domain, or nil.
    ///
    /// - Parameter domain: The domain, in Unicode or punycode.
    /// - Throws: ``WachterError`` for a bad domain or when the store fails.
    public func site(domain: String) throws -> Site? {
        let canonical = try Names.domain(domain)
        return try store.read { try $0.site(domain: canonical) }
    }

    /// Removes a site; its stored checks stay until retention removes them.
    ///
    /// - Parameter domain: The domain.
    /// - Throws: ``WachterError/Code/notFound``.
    public func remove(domain: String) throws {
        let canonical = try Names.domain(domain)
        try store.write { writer in
            guard try writer.site(domain: canonical) != nil else {
                throw WachterError(.notFound, "there is no site \(canonical); `wachter site list` shows them")
            }
            try writer.deleteSite(domain: canonical)
            try AuditChain.append(to: writer, time: clock.now(), actor: actor, action: "site.remove", target: canonical)
        }
    }

    /// Stores certificate check results, in one transaction.
    ///
    /// - Parameter checks: The results.
    /// - Throws: ``WachterError`` when the store fails.
    public func record(_ checks: [SiteCheckRecord]) throws {
        guard !checks.isEmpty else { return }
        try store.write { writer in
            for check in checks { try writer.insert(check) }
        }
    }

    /// Checks a `host:port` endpoint's form: a host name or address, and a port from 1 to 65535.
    static func checkEndpoint(_ text: String) throws(WachterError) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port),
            colon > text.startIndex, !text.contains(where: { $0.isWhitespace || $0.isNewline })
        else {
            throw WachterError(.invalidInput, "'\(text)' is not HOST:PORT; write it as 192.0.2.10:443 or [2001:db8::1]:443")
        }
    }
}
