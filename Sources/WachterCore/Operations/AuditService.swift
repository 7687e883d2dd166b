internal import Foundation
internal import Logging

/// The audit trail of operator actions, chained by SHA-256.
public struct AuditService: ContextualService {
    let context: ServiceContext

    /// The audit trail, oldest first.
    ///
    /// - Throws: ``WachterError`` when the store fails.
    public func trail() throws -> [AuditEntry] {
        try store.read { try $0.auditEntries() }
    }

    /// Verifies the audit trail's hash chain from its checkpoint, if prune made one, and
    /// its tail against the store's audit anchor, so that a cut tail is seen.
    ///
    /// - Throws: ``WachterError`` when the store or the anchor cannot be read.
    public func verify() throws -> AuditChain.Verification {
        // The anchor first: read after the trail, a concurrent writer's newer anchor could lead it.
        let anchored = try store.auditAnchor?.head()
        return try store.read { reader in
            let entries = try reader.auditEntries()
            if anchored == nil, let anchor = store.auditAnchor, !entries.isEmpty {
                logger.warning(
                    "the audit trail's head is not anchored, so a cut tail cannot be seen; the next change anchors it",
                    metadata: ["anchor": "\(anchor.location)"])
            }
            return AuditChain.verify(entries, checkpoint: try reader.auditCheckpoint(), anchor: anchored)
        }
    }
}
