internal import GRDB
internal import Logging

/// Where a write transaction notes the newest audit entry it appended.
final class AppendedAuditHead {
    var head: AuditHead?
    /// Set by an erasure: after the commit the WAL is checkpointed and truncated, so that
    /// no earlier page image of what was erased stays in the -wal file.
    var erased = false
}

extension SQLiteStore {
    /// Moves the audit anchor to `head`, which a transaction on `db` appended and committed.
    ///
    /// A failure to move it does not undo the committed change: the anchor then lags
    /// the trail, which ``AuditChain/verify(_:checkpoint:anchor:)`` allows, and the
    /// reason is logged as a warning.
    func anchorAudit(_ head: AuditHead, _ db: Database) {
        guard let auditAnchor else { return }
        do {
            let outcome = try auditAnchor.advance(to: head) { anchored in
                try AuditChain.holds(
                    anchored,
                    hash: String.fetchOne(db, sql: "SELECT hash FROM audit WHERE sequence = ?", arguments: [anchored.sequence]),
                    checkpoint: SQLiteAccess(db: db).auditCheckpoint())
            }
            if case .refused(let anchored) = outcome {
                logger.warning(
                    "the audit trail no longer holds the entry its anchor records; the anchor stays there, run `wachter audit --verify`",
                    metadata: [
                        "anchor": "\(auditAnchor.location)", "anchored": "\(anchored.sequence)", "head": "\(head.sequence)",
                    ])
            }
        } catch {
            logger.warning(
                "cannot move the audit anchor; it lags the trail",
                metadata: ["anchor": "\(auditAnchor.location)", "error": "\(error)"])
        }
    }
}
