internal import Crypto
public import Foundation

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
    /// - Throws: ``WachterError/Code/invalidInput`` for a field that would not read back
    ///   from the store as it was hashed (a NUL byte, where SQLite's C strings end); then
    ///   nothing is written and the caller's transaction rolls back. Else what the store throws.
    @discardableResult
    public static func append(
        to writer: any StoreWriting, time: Date, actor: String, action: String, target: String, detail: String = ""
    ) throws -> AuditEntry {
        // The hash covers the fields as given; a field the store would cut at a NUL
        // reads back different, and the chain would report itself broken.
        for (name, field) in [("actor", actor), ("action", action), ("target", target), ("detail", detail)]
        where field.utf8.contains(0) {
            throw WachterError(
                .invalidInput,
                "the audit entry's \(name) has a NUL byte, which the store would not read back as written; nothing was changed")
        }
        // After a prune that removed every entry, the chain continues from the checkpoint.
        let last = try writer.lastAuditEntry()
        let checkpoint = last == nil ? try writer.auditCheckpoint() : nil
        let sequence = (last?.sequence ?? checkpoint?.sequence ?? 0) + 1
        let previous = last?.hash ?? checkpoint?.hash ?? genesis
        // The chain covers the digest of the personal parts (target and detail), not the
        // parts themselves, so that an erasure can remove them and the chain still verifies.
        let personal = personalDigest(target: target, detail: detail)
        let hash = digest(
            previous: previous, sequence: sequence, time: time, actor: actor, action: action, target: "",
            detail: personal)
        let entry = AuditEntry(
            sequence: sequence, time: time, actor: actor, action: action, target: target, detail: detail,
            previousHash: previous, hash: hash, personalDigest: personal)
        try writer.append(entry)
        return entry
    }

    /// Checks the chain: consecutive sequence numbers from 1, each entry's
    /// previous hash equal to the entry before's hash, and each hash recomputed.
    ///
    /// After `prune` removed the trail's head, the chain starts from `checkpoint`
    /// instead of from 1 and the genesis hash: the first entry must follow the
    /// checkpoint's sequence and hash, and a later entry (the prune's own, action
    /// ``pruneAction``) must record that checkpoint, so that a checkpoint cannot be
    /// added without a trace in the chain itself.
    ///
    /// - Parameters:
    ///   - entries: The trail, oldest first.
    ///   - checkpoint: The pruned head, if the trail was pruned.
    /// - Returns: ``Verification/intact(count:)`` or where it breaks.
    public static func verify(_ entries: [AuditEntry], checkpoint: AuditCheckpoint? = nil) -> Verification {
        var expectedPrevious = checkpoint?.hash ?? genesis
        var expectedSequence: Int64 = (checkpoint?.sequence ?? 0) + 1
        var checkpointRecorded = false
        var erasedUnrecorded: Set<Int64> = []
        for entry in entries {
            guard entry.sequence == expectedSequence else {
                return .broken(
                    sequence: expectedSequence,
                    reason: "entry \(expectedSequence) is missing (the next one is \(entry.sequence))")
            }
            guard entry.previousHash == expectedPrevious else {
                return .broken(sequence: entry.sequence, reason: "entry \(entry.sequence) does not follow the entry before it")
            }
            let recomputed: String
            if let personal = entry.personalDigest {
                if entry.target == erasedMarker, entry.detail == erasedMarker {
                    // Erased: the parts are gone, their digest stays; a later erasure entry must name it.
                    erasedUnrecorded.insert(entry.sequence)
                } else if !ConstantTime.equals(personalDigest(target: entry.target, detail: entry.detail), personal) {
                    return .broken(sequence: entry.sequence, reason: "entry \(entry.sequence) was changed after it was written")
                }
                recomputed = digest(
                    previous: entry.previousHash, sequence: entry.sequence, time: entry.time, actor: entry.actor,
                    action: entry.action, target: "", detail: personal)
            } else {
                recomputed = digest(
                    previous: entry.previousHash, sequence: entry.sequence, time: entry.time, actor: entry.actor,
                    action: entry.action, target: entry.target, detail: entry.detail)
            }
            guard ConstantTime.equals(recomputed, entry.hash) else {
                return .broken(sequence: entry.sequence, reason: "entry \(entry.sequence) was changed after it was written")
            }
            if entry.action == eraseAction {
                for sequence in erasedSequences(in: entry.detail) { erasedUnrecorded.remove(sequence) }
            }
            if let checkpoint, entry.action == pruneAction, entry.detail.contains(checkpointRecord(checkpoint)) {
                checkpointRecorded = true
            }
            expectedPrevious = entry.hash
            expectedSequence += 1
        }
        if let first = erasedUnrecorded.min() {
            return .broken(
                sequence: first, reason: "entry \(first) had its personal parts removed, but no erasure entry records it")
        }
        if let checkpoint, !checkpointRecorded {
            return .broken(
                sequence: checkpoint.sequence + 1,
                reason: "entries 1 to \(checkpoint.sequence) were removed, but no prune entry in the trail records it")
        }
        return .intact(count: entries.count)
    }

    /// What an erasure writes in place of an entry's target and detail.
    public static let erasedMarker = "(erased)"

    /// The action of the entry that records an erasure; its detail names the entries whose
    /// personal parts it removed (``erasureRecord(_:)``).
    public static let eraseAction = "customer.erase"

    /// How an erasure entry's detail records the entries it erased.
    ///
    /// - Parameter sequences: The erased entries.
    /// - Returns: `audit-erased=S1,S2,...` (`audit-erased=` alone for none).
    public static func erasureRecord(_ sequences: [Int64]) -> String {
        "audit-erased=" + sequences.map(String.init).joined(separator: ",")
    }

    static func erasedSequences(in detail: String) -> [Int64] {
        guard let field = detail.split(separator: " ").first(where: { $0.hasPrefix("audit-erased=") }) else { return [] }
        return field.dropFirst("audit-erased=".count).split(separator: ",").compactMap { Int64($0) }
    }

    /// The SHA-256 (hex) of an entry's personal parts, length-prefixed.
    static func personalDigest(target: String, detail: String) -> String {
        var hasher = SHA256()
        for field in [target, detail] {
            let bytes = Array(field.utf8)
            hasher.update(data: Array(String(bytes.count).utf8) + [0x3A] + bytes)
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// The action of the entry that `prune` appends before it removes the trail's head.
    public static let pruneAction = "prune"

    /// How a prune entry's detail records the checkpoint it makes.
    ///
    /// - Parameter checkpoint: The checkpoint.
    /// - Returns: `audit-through=SEQUENCE audit-head=HASH`.
    public static func checkpointRecord(_ checkpoint: AuditCheckpoint) -> String {
        "audit-through=\(checkpoint.sequence) audit-head=\(checkpoint.hash)"
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
