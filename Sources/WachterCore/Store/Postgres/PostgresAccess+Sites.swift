internal import Foundation
internal import PostgresNIO

// Sites, their endpoints and checks, and export records and stamps: as SQLite's, in PostgreSQL's dialect.
extension PostgresAccess {
    func site(domain: String) throws -> Site? {
        guard let row = try rows("SELECT * FROM site WHERE domain = \(domain)").first else { return nil }
        return try Self.site(row, endpoints: try endpoints(domain: domain)[domain] ?? [])
    }

    func sites(customerID: String?) throws -> [Site] {
        let endpoints = try endpoints(domain: nil)
        return try rows(
            "SELECT * FROM site WHERE (\(customerID)::text IS NULL OR customer_id = \(customerID)) ORDER BY domain"
        ).map { try Self.site($0, endpoints: endpoints[try $0["domain"].decode(String.self)] ?? []) }
    }

    /// Endpoints by domain, each site's in the order they were added.
    private func endpoints(domain: String?) throws -> [String: [SiteEndpoint]] {
        var result: [String: [SiteEndpoint]] = [:]
        for row in try rows(
            """
            SELECT domain, connect, starttls FROM site_endpoint WHERE (\(domain)::text IS NULL OR domain = \(domain))
            ORDER BY domain, id
            """)
        {
            result[try row["domain"].decode(String.self), default: []].append(
                SiteEndpoint(connect: try row["connect"].decode(String.self), starttls: try row["starttls"].decode(String?.self)))
        }
        return result
    }

    func insert(_ site: Site) throws {
        try run(
            """
            INSERT INTO site (domain, customer_id, cert_file, key_file, created_at, files_only)
            VALUES (\(site.domain), \(site.customerID), \(site.certFile), \(site.keyFile), \(site.createdAt), \(site.filesOnly))
            """)
        for endpoint in site.endpoints { try insert(endpoint, domain: site.domain) }
    }

    func insert(_ endpoint: SiteEndpoint, domain: String) throws {
        try run(
            "INSERT INTO site_endpoint (domain, connect, starttls) VALUES (\(domain), \(endpoint.connect), \(endpoint.starttls))")
        try run("UPDATE site SET files_only = false WHERE domain = \(domain)")
    }

    func deleteEndpoint(domain: String, connect: String) throws -> Bool {
        try changed("DELETE FROM site_endpoint WHERE domain = \(domain) AND connect = \(connect)") > 0
    }

    func deleteSite(domain: String) throws {
        try run("DELETE FROM site_endpoint WHERE domain = \(domain)")
        try run("DELETE FROM site WHERE domain = \(domain)")
    }

    func insert(_ check: SiteCheckResult) throws {
        let stored = StoredSiteCheck(check)
        try run(
            """
            INSERT INTO site_check (domain, checked_at, verdict, problems, not_after, endpoint, starttls, codes, sources)
            VALUES (\(check.domain), \(check.checkedAt), \(stored.verdict), \(stored.problems), \(check.notAfter),
                \(check.endpoint), \(stored.starttls), \(stored.codes), \(stored.sources))
            """)
    }

    private static func site(_ row: PostgresRandomAccessRow, endpoints: [SiteEndpoint]) throws -> Site {
        Site(
            domain: try row["domain"].decode(String.self), customerID: try row["customer_id"].decode(String.self),
            endpoints: endpoints, filesOnly: try row["files_only"].decode(Bool.self),
            certFile: try row["cert_file"].decode(String?.self), keyFile: try row["key_file"].decode(String?.self),
            createdAt: try row["created_at"].decode(Date.self))
    }

    // MARK: Exports

    func forEachExportRecord(kind: AccountKind, _ body: (ExportRecord) throws -> Void) throws {
        // Pages by name, so that an export of 100,000 accounts never holds them all.
        var after: String? = nil
        while true {
            let page = try session.query(
                """
                SELECT name, customer_id, hash, locked FROM account
                WHERE kind = \(kind.rawValue) AND (\(after)::text IS NULL OR name > \(after))
                ORDER BY name LIMIT 10000
                """)
            var count = 0
            for row in page {
                let (name, customerID, hash, locked) = try row.decode((String, String, String, Bool).self)
                try body(ExportRecord(name: name, customerID: customerID, hash: hash, locked: locked))
                after = name
                count += 1
            }
            if count < 10000 { return }
        }
    }

    func exportStamp(host: String, path: String) throws -> ExportStamp? {
        try rows("SELECT * FROM export_stamp WHERE host = \(host) AND path = \(path)").first.map(Self.exportStamp)
    }

    func exportStamps() throws -> [ExportStamp] {
        try rows("SELECT * FROM export_stamp ORDER BY host, path").map(Self.exportStamp)
    }

    func setExportStamp(_ stamp: ExportStamp) throws {
        try run(
            """
            INSERT INTO export_stamp (host, path, identity, settings, written_at)
            VALUES (\(stamp.host), \(stamp.path), \(stamp.identity), \(stamp.settings), \(stamp.writtenAt))
            ON CONFLICT (host, path) DO UPDATE
                SET identity = excluded.identity, settings = excluded.settings, written_at = excluded.written_at
            """)
    }

    private static func exportStamp(_ row: PostgresRandomAccessRow) throws -> ExportStamp {
        ExportStamp(
            host: try row["host"].decode(String.self), path: try row["path"].decode(String.self),
            identity: try row["identity"].decode(String.self), settings: try row["settings"].decode(String.self),
            writtenAt: try row["written_at"].decode(Date?.self))
    }
}
