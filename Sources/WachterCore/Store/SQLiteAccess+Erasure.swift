internal import Foundation
internal import GRDB

// Erasure of a customer: rows deleted under `secure_delete` (SQLiteStore), and the WAL
// truncated after the commit (`appendedAudit.erased`), so that nothing erased stays readable.
extension SQLiteAccess {
    func eraseCustomer(id: String, keeping held: Customer?) throws -> CustomerErasure {
        var erased = CustomerErasure()
        let accounts = try String.fetchAll(db, sql: "SELECT name FROM account WHERE customer_id = ?", arguments: [id])
        for name in accounts {
            try db.execute(sql: "DELETE FROM login_event WHERE account = ?", arguments: [name])
            erased.loginEvents += db.changesCount
            try db.execute(sql: "DELETE FROM password_history WHERE account = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM account WHERE name = ?", arguments: [name])
            erased.accounts += 1
        }
        let domains = try String.fetchAll(db, sql: "SELECT domain FROM site WHERE customer_id = ?", arguments: [id])
        for domain in domains {
            try db.execute(sql: "DELETE FROM site_check WHERE domain = ?", arguments: [domain])
            erased.siteChecks += db.changesCount
            try deleteSite(domain: domain)
            erased.sites += 1
        }
        if let held {
            try update(held)
        } else {
            try db.execute(sql: "DELETE FROM customer WHERE id = ?", arguments: [id])
        }
        appendedAudit?.erased = true
        return erased
    }

    func eraseAuditParts(sequences: [Int64], marker: String) throws -> Int {
        var count = 0
        for sequence in sequences {
            try db.execute(
                sql: "UPDATE audit SET target = ?, detail = ? WHERE sequence = ? AND personal_digest IS NOT NULL",
                arguments: [marker, marker, sequence])
            count += db.changesCount
        }
        appendedAudit?.erased = true
        return count
    }

    func heldCustomers(limit: Int) throws -> (total: Int, customers: [Customer]) {
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM customer WHERE held_until IS NOT NULL") ?? 0
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM customer WHERE held_until IS NOT NULL ORDER BY held_until, id LIMIT ?", arguments: [limit])
        return (total, rows.map(Self.customer))
    }

    func deleteHeldCustomers(before cutoff: Date) throws -> [String] {
        let ids = try String.fetchAll(
            db, sql: "SELECT id FROM customer WHERE held_until IS NOT NULL AND held_until < ? ORDER BY id",
            arguments: [cutoff.timeIntervalSince1970])
        for id in ids {
            // A held customer has no accounts or sites left (the erasure removed them).
            try db.execute(sql: "DELETE FROM customer WHERE id = ?", arguments: [id])
        }
        if !ids.isEmpty { appendedAudit?.erased = true }
        return ids
    }
}
