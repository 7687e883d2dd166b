internal import Foundation
internal import Logging

/// Rotation of the keys of personal data at rest: a new key, every value sealed anew
/// under it in small transactions (the agent keeps logging in between), and the old keys
/// retired once no value uses them.
public struct KeyService: ContextualService {
    let context: ServiceContext

    /// What a rotation or retirement did.
    public struct Outcome: Codable, Sendable, Equatable {
        /// The current key's id afterwards.
        public var currentKey: String
        /// Customer records sealed anew.
        public var customers: Int
        /// Login sources sealed anew (with a new digest).
        public var loginSources: Int
        /// Values still sealed under each older key, by id, after the pass (an agent that
        /// read the key file before the rotation seals under the old key until it restarts).
        public var stillUsing: [String: Int]
        /// The key ids removed from the file.
        public var retired: [String]
    }

    /// Rows re-sealed per transaction, so that the agent's writes wait at most one batch.
    static let batchSize = 500

    /// Adds a new current key to the key file and seals every personal value anew under it.
    ///
    /// The old keys stay in the file: values sealed under them still open, and a running
    /// agent may still seal under the key it read at its start. ``retire(keyFile:)`` drops them.
    ///
    /// - Parameter keyFile: The key file.
    /// - Returns: What was sealed anew, and what still uses an older key.
    /// - Throws: ``WachterError`` when the key file cannot be read or written, a stored value does
    ///   not decrypt (nothing after it is changed; what was sealed anew stays readable), or the store fails.
    public func rotate(keyFile: String) throws -> Outcome {
        let ring = try KeyFile.load(keyFile).adding()
        try KeyFile.save(ring, to: keyFile)
        logger.notice("new key of personal data", metadata: ["key": "\(ring.currentID)"])
        var outcome = try reseal(under: ring)
        let now = clock.now()
        _ = try store.write { writer in
            try AuditChain.append(
                to: writer, time: now, actor: actor, action: "key.rotate", target: ring.currentID,
                detail: "customers=\(outcome.customers) login_sources=\(outcome.loginSources)")
        }
        outcome.retired = []
        return outcome
    }

    /// Seals anew whatever still uses an older key, then removes from the key file every
    /// key that no stored value uses any more.
    ///
    /// Restart every agent that shares the store first: an agent seals new login sources
    /// under the key it read when it started.
    ///
    /// - Parameter keyFile: The key file.
    /// - Returns: What was sealed anew and which keys were removed.
    /// - Throws: ``WachterError`` as ``rotate(keyFile:)``.
    public func retire(keyFile: String) throws -> Outcome {
        let ring = try KeyFile.load(keyFile)
        var outcome = try reseal(under: ring, onlyOlder: true)
        let (kept, dropped) = ring.retaining(Set(outcome.stillUsing.keys))
        if !dropped.isEmpty {
            try KeyFile.save(kept, to: keyFile)
            let now = clock.now()
            _ = try store.write { writer in
                try AuditChain.append(
                    to: writer, time: now, actor: actor, action: "key.retire", target: ring.currentID,
                    detail: "retired=" + dropped.joined(separator: ","))
            }
        }
        outcome.retired = dropped
        return outcome
    }

    private func reseal(under ring: KeyRing, onlyOlder: Bool = false) throws -> Outcome {
        var protection = context
        protection.fieldProtection = .keys(FieldCipher(ring: ring))
        let current = ring.currentID
        var outcome = Outcome(currentKey: current, customers: 0, loginSources: 0, stillUsing: [:], retired: [])
        // Customers: few, one transaction each batch of ids.
        let ids = try store.read { try $0.customers() }.map(\.id)
        for batch in stride(from: 0, to: ids.count, by: Self.batchSize) {
            outcome.customers += try store.write { writer in
                var count = 0
                for id in ids[batch..<min(batch + Self.batchSize, ids.count)] {
                    guard let stored = try writer.customer(id: id) else { continue }
                    if onlyOlder, Self.keyIDs(of: stored).allSatisfy({ $0 == current }) { continue }
                    try writer.update(try protection.sealing(try protection.opening(stored)))
                    count += 1
                }
                return count
            }
        }
        // Login sources: many; walked by id in batches, each batch one transaction.
        var after: Int64 = 0
        while true {
            let events = try store.read { try $0.loginEventsWithSource(afterID: after, limit: Self.batchSize) }
            guard let last = events.last?.id else { break }
            after = last
            outcome.loginSources += try store.write { writer in
                var count = 0
                for event in events {
                    guard let id = event.id, let source = event.source else { continue }
                    if onlyOlder, FieldCipher.keyID(of: source) == current { continue }
                    let opened = try protection.opening(event)
                    let sealed = try protection.storable(opened)
                    try writer.updateLoginSource(id: id, source: sealed.source, sourceDigest: sealed.sourceDigest)
                    count += 1
                }
                return count
            }
        }
        outcome.stillUsing = try usage(excluding: current)
        return outcome
    }

    /// How many stored values each key other than `current` still seals.
    private func usage(excluding current: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        try store.read { reader in
            for customer in try reader.customers() {
                for id in Self.keyIDs(of: customer) where id != current { counts[id, default: 0] += 1 }
            }
            var after: Int64 = 0
            while true {
                let events = try reader.loginEventsWithSource(afterID: after, limit: 10_000)
                guard let last = events.last?.id else { break }
                after = last
                for event in events {
                    if let id = event.source.flatMap(FieldCipher.keyID(of:)), id != current { counts[id, default: 0] += 1 }
                }
            }
        }
        return counts
    }

    private static func keyIDs(of customer: Customer) -> [String] {
        ([customer.name] + ServiceContext.customerColumns.map { customer[keyPath: $0.1] }).compactMap { value in
            guard let value else { return nil }
            // A value stored before encryption counts as needing a seal.
            return FieldCipher.keyID(of: value) ?? ""
        }
    }
}
