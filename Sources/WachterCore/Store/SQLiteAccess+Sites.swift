internal import Foundation
internal import GRDB

extension SQLiteAccess {
    func site(domain: String) throws -> Site? {
        try Row.fetchOne(db, sql: "SELECT * FROM site WHERE domain = ?", arguments: [domain]).map(Self.site)
    }

    func sites(customerID: String?) throws -> [Site] {
        if let customerID {
            return try Row.fetchAll(db, sql: "SELECT * FROM site WHERE customer_id = ? ORDER BY domain", arguments: [customerID])
                .map(Self.site)
        }
        return try Row.fetchAll(db, sql: "SELECT * FROM site ORDER BY domain").map(Self.site)
    }

    func insert(_ site: Site) throws {
        try db.execute(
            sql: "INSERT INTO site (domain, customer_id, connect, cert_file, key_file, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                site.domain, site.customerID, site.connect, site.certFile, site.keyFile, site.createdAt.timeIntervalSince1970,
            ])
    }

    func deleteSite(domain: String) throws {
        try db.execute(sql: "DELETE FROM site WHERE domain = ?", arguments: [domain])
    }

    func insert(_ check: SiteCheckRecord) throws {
        // Problems are sentences without newlines (WachterTLS writes them), one per line.
        let problems = check.problems.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")
        try db.execute(
            sql: "INSERT INTO site_check (domain, checked_at, verdict, problems, not_after) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                check.domain, check.checkedAt.timeIntervalSince1970, check.verdict, problems,
                check.notAfter?.timeIntervalSince1970,
            ])
    }

    private static func site(_ row: Row) -> Site {
        Site(
            domain: row["domain"], customerID: row["customer_id"], connect: row["connect"], certFile: row["cert_file"],
            keyFile: row["key_file"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }
}
