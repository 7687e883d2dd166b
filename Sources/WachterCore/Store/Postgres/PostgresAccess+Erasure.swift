internal import Foundation
internal import PostgresNIO

// Erasure of a customer, as SQLiteAccess+Erasure.swift: the rows are deleted in the
// transaction. PostgreSQL's dead tuples stay in the table files until VACUUM reclaims
// them (docs/PRIVACY.md says how often autovacuum runs and how to force it).
extension PostgresAccess {
    func eraseCustomer(id: String, keeping held: Customer?) throws -> CustomerErasure {
        var erased = CustomerErasure()
        let accounts = try rows("SELECT name FROM account WHERE customer_id = \(id)").map { try $0["name"].decode(String.self) }
        for name in accounts {
            erased.loginEvents += try changed("DELETE FROM login_event WHERE account = \(name)")
            try run("DELETE FROM password_history WHERE account = \(name)")
            try run("DELETE FROM account WHERE name = \(name)")
            erased.accounts += 1
        }
        let domains = try rows("SELECT domain FROM site WHERE customer_id = \(id)").map { try $0["domain"].decode(String.self) }
        for domain in domains {
            erased.siteChecks += try changed("DELETE FROM site_check WHERE domain = \(domain)")
            try deleteSite(domain: domain)
            erased.sites += 1
        }
        if let held {
            try update(held)
        } else {
            try run("DELETE FROM customer WHERE id = \(id)")
        }
        return erased
    }

    func eraseAuditParts(sequences: [Int64], marker: String) throws -> Int {
        var count = 0
        for sequence in sequences {
            count += try changed(
                """
                UPDATE audit SET target = \(marker), detail = \(marker)
                WHERE sequence = \(sequence) AND personal_digest IS NOT NULL
                """)
        }
        return count
    }

    func heldCustomers(limit: Int) throws -> (total: Int, customers: [Customer]) {
        let total =
            try rows("SELECT COUNT(*) AS n FROM customer WHERE held_until IS NOT NULL").first.map {
                try $0["n"].decode(Int.self)
            } ?? 0
        let customers = try rows("SELECT * FROM customer WHERE held_until IS NOT NULL ORDER BY held_until, id LIMIT \(limit)")
            .map(Self.customer)
        return (total, customers)
    }

    func deleteHeldCustomers(before cutoff: Date) throws -> [String] {
        let ids = try rows("SELECT id FROM customer WHERE held_until IS NOT NULL AND held_until < \(cutoff) ORDER BY id")
            .map { try $0["id"].decode(String.self) }
        for id in ids { try run("DELETE FROM customer WHERE id = \(id)") }
        return ids
    }
}
