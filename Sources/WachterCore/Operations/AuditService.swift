internal import Foundation

/// The audit trail of operator actions, chained by SHA-256.
public struct AuditService: ContextualService {
    let context: ServiceContext

    /// The audit trail, oldest first.
    ///
    /// - Throws: ``WachterError`` when the store fails.
    public func trail() throws -> [AuditEntry] {
        try store.read { try $0.auditEntries() }
    }

    /// Verifies the audit trail's hash chain from its checkpoint, if prune made one.
    ///
    /// - Throws: ``WachterError`` when the store fails.
    public func verify() throws -> AuditChain.Verification {
        try store.read { reader in
            AuditChain.verify(try reader.auditEntries(), checkpoint: try reader.auditCheckpoint())
        }
    }
}
