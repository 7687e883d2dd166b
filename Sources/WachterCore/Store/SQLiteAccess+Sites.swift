internal import Foundation
internal import GRDB

extension SQLiteAccess {
    func site(domain: String) throws -> Site? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM site WHERE domain = ?", arguments: [domain]) else { return nil }
        return Self.site(row, endpoints: try endpoints(domain: domain)[domain] ?? [])
    }

    func sites(customerID: String?) throws -> [Site] {
        let rows =
            if let customerID {
                try Row.fetchAll(db, sql: "SELECT * FROM site WHERE customer_id = ? ORDER BY domain", arguments: [customerID])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM site ORDER BY domain")
            }
        let endpoints = try endpoints(domain: nil)
        return rows.map { Self.site($0, endpoints: endpoints[$0["domain"]] ?? []) }
    }

    /// Endpoints by domain, each site's in the order they were added (rowid).
    private func endpoints(domain: String?) throws -> [String: [SiteEndpoint]] {
        let rows =
            if let domain {
                try Row.fetchAll(
                    db, sql: "SELECT domain, connect, starttls FROM site_endpoint WHERE domain = ? ORDER BY rowid",
                    arguments: [domain])
            } else {
                try Row.fetchAll(db, sql: "SELECT domain, connect, starttls FROM site_endpoint ORDER BY domain, rowid")
            }
        var result: [String: [SiteEndpoint]] = [:]
        for row in rows {
            result[row["domain"], default: []].append(SiteEndpoint(connect: row["connect"], starttls: row["starttls"]))
        }
        return result
    }

    func insert(_ site: Site) throws {
        try db.execute(
            sql: "INSERT INTO site (domain, customer_id, cert_file, key_file, created_at, files_only) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                site.domain, site.customerID, site.certFile, site.keyFile, site.createdAt.timeIntervalSince1970, site.filesOnly,
            ])
        for endpoint in site.endpoints { try insert(endpoint, domain: site.domain) }
    }

    func insert(_ endpoint: SiteEndpoint, domain: String) throws {
        try db.execute(
            sql: "INSERT INTO site_endpoint (domain, connect, starttls) VALUES (?, ?, ?)",
            arguments: [domain, endpoint.connect, endpoint.starttls])
        try db.execute(sql: "UPDATE site SET files_only = 0 WHERE domain = ?", arguments: [domain])
    }

    func deleteEndpoint(domain: String, connect: String) throws -> Bool {
        try db.execute(sql: "DELETE FROM site_endpoint WHERE domain = ? AND connect = ?", arguments: [domain, connect])
        return db.changesCount > 0
    }

    func deleteSite(domain: String) throws {
        try db.execute(sql: "DELETE FROM site_endpoint WHERE domain = ?", arguments: [domain])
        try db.execute(sql: "DELETE FROM site WHERE domain = ?", arguments: [domain])
    }

    func insert(_ check: SiteCheckResult) throws {
        let stored = StoredSiteCheck(check)
        try db.execute(
            sql: """
                INSERT INTO site_check (domain, checked_at, verdict, problems, not_after, endpoint, starttls, codes, sources)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                check.domain, check.checkedAt.timeIntervalSince1970, stored.verdict, stored.problems,
                check.notAfter?.timeIntervalSince1970, check.endpoint, stored.starttls, stored.codes, stored.sources,
            ])
    }

    private static func site(_ row: Row, endpoints: [SiteEndpoint]) -> Site {
        Site(
            domain: row["domain"], customerID: row["customer_id"], endpoints: endpoints, filesOnly: row["files_only"],
            certFile: row["cert_file"], keyFile: row["key_file"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }
}
