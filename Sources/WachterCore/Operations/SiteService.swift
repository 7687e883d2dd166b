internal import Foundation

/// Hosted sites registered for certificate checks, and their stored checks.
public struct SiteService: ContextualService {
    let context: ServiceContext

    /// Registers a hosted site for certificate checks.
    ///
    /// - Parameters:
    ///   - domain: The domain; an internationalised one is stored in punycode.
    ///   - customerID: The owner.
    ///   - connect: Where to connect (`host:port`) instead of the domain on port 443
    ///     (or the STARTTLS protocol's usual port).
    ///   - starttls: `imap`, `pop3`, `smtp` or `ftp` for a server that starts TLS with a command.
    ///   - filesOnly: Check only the certificate and key files, without a connection.
    ///   - certFile: The certificate file the web server uses.
    ///   - keyFile: The key file the web server uses.
    /// - Returns: The stored site.
    /// - Throws: ``WachterError`` for a bad domain or endpoint, an unknown customer or a taken domain.
    @discardableResult
    public func add(
        domain: String, customerID: String, connect: String? = nil, starttls: String? = nil, filesOnly: Bool = false,
        certFile: String? = nil, keyFile: String? = nil
    ) throws -> Site {
        let canonical = try Names.domain(domain)
        for (what, path) in [("certificate file", certFile), ("key file", keyFile)] {
            if let path, !path.hasPrefix("/") || path.contains("\n") || path.contains("\0") {
                throw WachterError(.invalidInput, "the \(what) must be an absolute path, such as /etc/ssl/certs/\(canonical).pem")
            }
        }
        if filesOnly && (connect != nil || starttls != nil || certFile == nil) {
            throw WachterError(
                .invalidInput,
                "a site checked from its files alone needs --cert-file and --key-file, and no --connect or --starttls")
        }
        let endpoints = try (connect != nil || starttls != nil) ? [Self.endpoint(canonical, connect, starttls)] : []
        let site = Site(
            domain: canonical, customerID: customerID, endpoints: endpoints, filesOnly: filesOnly, certFile: certFile,
            keyFile: keyFile, createdAt: clock.now())
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

    /// Adds an endpoint to a registered site, such as IMAP on 143 beside the web
    /// server. A site that had no endpoint of its own keeps its implicit one (the
    /// domain on port 443) beside the new one; a files-only site gets a connection.
    ///
    /// - Parameters:
    ///   - domain: The site's domain.
    ///   - connect: Where to connect, `host:port`; nil for the domain on the protocol's usual port.
    ///   - starttls: `imap`, `pop3`, `smtp` or `ftp`, or nil for TLS at once.
    /// - Returns: The site as stored now.
    /// - Throws: ``WachterError`` for a bad endpoint, an unknown site or an endpoint it has already.
    @discardableResult
    public func addEndpoint(domain: String, connect: String?, starttls: String?) throws -> Site {
        let canonical = try Names.domain(domain)
        let endpoint = try Self.endpoint(canonical, connect, starttls)
        return try store.write { writer in
            guard let site = try writer.site(domain: canonical) else {
                throw WachterError(.notFound, "there is no site \(canonical); `wachter site list` shows them")
            }
            var endpoints = site.endpoints
            if endpoints.isEmpty && !site.filesOnly {
                endpoints.append(SiteEndpoint(connect: "\(canonical):443"))
                try writer.insert(endpoints[0], domain: canonical)
            }
            guard !endpoints.contains(where: { $0.connect == endpoint.connect }) else {
                throw WachterError(.alreadyExists, "the site \(canonical) has the endpoint \(endpoint.connect) already")
            }
            try writer.insert(endpoint, domain: canonical)
            try AuditChain.append(
                to: writer, time: clock.now(), actor: actor, action: "site.endpoint.add", target: canonical,
                detail: "connect=\(endpoint.connect) starttls=\(endpoint.starttls ?? "none")")
            return try writer.site(domain: canonical) ?? site
        }
    }

    /// Removes an endpoint from a site.
    ///
    /// - Parameters:
    ///   - domain: The site's domain.
    ///   - connect: The endpoint's `host:port`.
    /// - Throws: ``WachterError/Code/notFound`` when the site has no such endpoint.
    public func removeEndpoint(domain: String, connect: String) throws {
        let canonical = try Names.domain(domain)
        try store.write { writer in
            guard try writer.deleteEndpoint(domain: canonical, connect: connect) else {
                throw WachterError(.notFound, "the site \(canonical) has no endpoint \(connect); `wachter site list` shows them")
            }
            try AuditChain.append(
                to: writer, time: clock.now(), actor: actor, action: "site.endpoint.remove", target: canonical,
                detail: "connect=\(connect)")
        }
    }

    /// An endpoint checked for its form; without `connect`, the domain on the
    /// protocol's usual port (IMAP 143, POP3 110, SMTP submission 587, FTP 21) or 443.
    static func endpoint(_ domain: String, _ connect: String?, _ starttls: String?) throws(WachterError) -> SiteEndpoint {
        if let starttls, !SiteEndpoint.starttlsProtocols.contains(starttls) {
            throw WachterError(.invalidInput, "--starttls must be imap, pop3, smtp or ftp, not '\(starttls)'")
        }
        let ports = ["imap": 143, "pop3": 110, "smtp": 587, "ftp": 21]
        let connect = connect ?? "\(domain):\(starttls.flatMap { ports[$0] } ?? 443)"
        try checkEndpoint(connect)
        return SiteEndpoint(connect: connect, starttls: starttls)
    }

    /// Sites, optionally of one customer, with their latest check.
    ///
    /// - Parameter customerID: Only this customer's sites.
    /// - Returns: Each site with its latest stored check, if any: of a site with
    ///   several endpoints, the worst endpoint's (critical, unknown, warning, ok),
    ///   with the problems of every endpoint.
    /// - Throws: ``WachterError`` when the store fails.
    public func list(customerID: String? = nil) throws -> [(site: Site, latest: SiteCheckResult?)] {
        try store.read { reader in
            let checks = (try reader.latestSiteChecks() ?? []).compactMap(\.check)
            let latest = Dictionary(checks.map { ($0.domain, $0) }) { kept, next in
                var worse = next.verdict > kept.verdict ? next : kept
                worse.problems = kept.problems + next.problems
                worse.notAfter = [kept.notAfter, next.notAfter].compactMap(\.self).min()
                return worse
            }
            return try reader.sites(customerID: customerID).map { ($0, latest[$0.domain]) }
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
    public func record(_ checks: [SiteCheckResult]) throws {
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
