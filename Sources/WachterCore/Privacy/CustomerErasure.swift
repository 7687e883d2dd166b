public import Foundation
internal import Logging

/// What `customer erase` did.
public struct ErasureOutcome: Codable, Sendable, Equatable {
    /// The rows removed.
    public var removed: CustomerErasure
    /// Audit entries whose personal parts were removed.
    public var auditEntries: Int
    /// Until when the name, company, address, postal code and city are held; nil when nothing is held.
    public var heldUntil: Date?
    /// What failed after the change (a re-export, a cache flush); the erasure stands either way.
    public var followUpFailures: [String]
}

extension CustomerService {
    /// The fields a fiscal hold keeps: what an invoice names.
    public static let heldFields = ["name", "company", "address", "postcode", "city"]

    /// Erases a customer: accounts (with password history and login records), sites (with
    /// their checks), contact data, and the personal parts of the audit entries that
    /// concerned them; with `holdUntil`, keeps ``heldFields`` until that date (`prune`
    /// removes them after it). Appends a `customer.erase` entry that names the erased
    /// entries, so that `audit --verify` still passes. Afterwards the export files are
    /// written again and the caches flushed (the change follow-up).
    ///
    /// - Parameters:
    ///   - id: The customer's id.
    ///   - holdUntil: Until when the invoice fields are kept, if they must be.
    /// - Returns: What was removed and held.
    /// - Throws: ``WachterError/Code/notFound``, ``WachterError/Code/invalidInput`` for a hold date
    ///   in the past; then nothing is changed.
    @discardableResult
    public func erase(id: String, holdUntil: Date? = nil) throws -> ErasureOutcome {
        let now = clock.now()
        if let holdUntil, holdUntil <= now {
            throw WachterError(.invalidInput, "the hold date \(Lookup.day(holdUntil)) is not in the future; nothing was erased")
        }
        let (stored, accounts) = try customer(id: id)
        let sites = try store.read { try $0.sites(customerID: id) }
        var held: Customer?
        if let holdUntil {
            var kept = Customer(
                id: stored.id, name: stored.name, company: stored.company, createdAt: stored.createdAt,
                address: stored.address, postcode: stored.postcode, city: stored.city, heldUntil: holdUntil)
            kept = try context.sealing(kept)
            held = kept
        }
        let names = Set(accounts.map(\.name))
        let domains = Set(sites.map(\.domain))
        let outcome: (CustomerErasure, Int) = try store.write { writer in
            let removed = try writer.eraseCustomer(id: id, keeping: held)
            let concerned = try writer.auditEntries().filter { entry in
                entry.personalDigest != nil && entry.target != AuditChain.erasedMarker
                    && (entry.target == id || names.contains(entry.target) || domains.contains(entry.target)
                        || entry.detail.contains("customer=\(id)"))
            }.map(\.sequence)
            let erased = try writer.eraseAuditParts(sequences: concerned, marker: AuditChain.erasedMarker)
            var detail = [
                AuditChain.erasureRecord(concerned), "accounts=\(removed.accounts)", "sites=\(removed.sites)",
                "login_events=\(removed.loginEvents)", "site_checks=\(removed.siteChecks)",
            ]
            if let holdUntil { detail.append("held-until=\(Lookup.day(holdUntil))") }
            // The erasure's own entry names no customer: its target is the marker.
            try AuditChain.append(
                to: writer, time: now, actor: actor, action: AuditChain.eraseAction, target: AuditChain.erasedMarker,
                detail: detail.joined(separator: " "))
            return (removed, erased)
        }
        logger.info(
            "customer erased",
            metadata: ["accounts": "\(outcome.0.accounts)", "sites": "\(outcome.0.sites)", "held": "\(holdUntil != nil)"])
        let failures = notifyChange(AuditChain.eraseAction, accounts.map(\.name), kinds: Set(accounts.map(\.kind)))
        return ErasureOutcome(
            removed: outcome.0, auditEntries: outcome.1, heldUntil: holdUntil, followUpFailures: failures.map(\.message))
    }
}
