public import Foundation
internal import Crypto

/// The operator audit trail: entries chained by SHA-256, so that an edited or
/// removed entry breaks the chain.
public enum AuditChain {
    /// The previous-hash value of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// What verifying the chain found.
    public enum Verification: Sendable, Equatable {
        /// Every entry verifies; `count` entries were checked.
        case intact(count: Int)
        /// The chain breaks at `sequence`, for `reason`.
        case broken(sequence: Int64, reason: String)
    }

    /// Appends an entry to the trail inside a write transaction.
    ///
    /// - Parameters:
    ///   - writer: The open write transaction.
    ///   - time: When the action happened.
    ///   - actor: Who did it.
    ///   - action: What was done, such as `reset`.
    ///   - target: What it was done to.
    ///   - detail: Non-secret details.
    /// - Returns: The stored entry.
    /// - Throws: What the store throws.
    @discardableResult
    public static func append(
        to writer: any StoreWriting, time: Date, actor: String, action: String, target: String, detail: String = ""
    ) throws -> AuditEntry {
        let last = try writer.lastAuditEntry()
        let sequence = (last?.sequence ?? 0) + 1
        let previous = last?.hash ?? genesis
        let hash = digest(
            previous: previous, sequence: sequence, time: time, actor: actor, action: action, target: target,
            detail: detail)
        let entry = AuditEntry(
            sequence: sequence, time: time, actor: actor, action: action, target: target, detail: detail,
            previousHash: previous, hash: hash)
        try writer.append(entry)
        return entry
    }

    /// Checks the chain: consecutive sequence numbers from 1, each entry's
    /// previous hash equal to the entry before's hash, and each hash recomputed.
    ///
    /// - Parameter entries: The trail, oldest first.
    /// - Returns: ``Verification/intact(count:)`` or where it breaks.
    public static func verify(_ entries: [AuditEntry]) -> Verification {
        var expectedPrevious = genesis
        var expectedSequence: Int64 = 1
        for entry in entries {
            guard entry.sequence == expectedSequence else {
                return .broken(
                    sequence: expectedSequence,
                    reason: "entry \(expectedSequence) is missing (the next one is \(entry.sequence))")
            }
            guard entry.previousHash == expectedPrevious else {
                return .broken(sequence: entry.sequence, reason: "entry \(entry.sequence) does not follow the entry before it")
            }
            let recomputed = digest(
                previous: entry.previousHash, sequence: entry.sequence, time: entry.time, actor: entry.actor,
                action: entry.action, target: entry.target, detail: entry.detail)
            guard ConstantTime.equals(recomputed, entry.hash) else {
                return .broken(sequence: entry.sequence, reason: "entry \(entry.sequence) was changed after it was written")
            }
            expectedPrevious = entry.hash
            expectedSequence += 1
        }
        return .intact(count: entries.count)
    }

    static func digest(
        previous: String, sequence: Int64, time: Date, actor: String, action: String, target: String, detail: String
    ) -> String {
        // Each field is length-prefixed so that no two different entries encode alike.
        var hasher = SHA256()
        for field in [
            previous, String(sequence), String(time.timeIntervalSince1970.bitPattern, radix: 16), actor, action, target,
            detail,
        ] {
            let bytes = Array(field.utf8)
            hasher.update(data: Array(String(bytes.count).utf8) + [0x3A] + bytes)
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}
