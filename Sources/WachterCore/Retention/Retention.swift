public import Foundation
internal import Logging

/// What one `prune` run removed.
public struct PruneResult: Codable, Sendable, Equatable {
    /// When the run happened.
    public var time: Date
    /// Login events removed.
    public var loginEvents: Int
    /// Source addresses dropped from login events kept longer than `[retention] login_source_days`.
    public var loginSources: Int = 0
    /// Customers whose fiscal hold ended, removed.
    public var heldCustomers: Int = 0
    /// Stored site checks removed; nil when the store has no site checks.
    public var siteChecks: Int?
    /// Earlier password hashes removed.
    public var passwordHistory: Int
    /// Audit entries replaced by the checkpoint.
    public var auditEntries: Int
    /// The audit checkpoint's sequence after the run, where the trail's head was pruned.
    public var auditCheckpoint: Int64?
    /// Why the audit trail was left alone, when it was (it does not verify).
    public var auditSkipped: String?
}

/// Applies retention: login records, site checks, earlier hashes and the audit trail's head.
public struct RetentionService: ContextualService {
    let context: ServiceContext

    /// Applies the retention periods: removes login events, stored site checks and
    /// earlier password hashes older than their periods, and replaces the audit
    /// trail's entries older than its period by a checkpoint.
    ///
    /// Everything happens in one transaction. The audit trail is pruned only when its
    /// chain verifies, so that a prune never hides a broken chain. Before removing the
    /// head, a `prune` entry recording the checkpoint (``AuditChain/checkpointRecord(_:)``)
    /// is appended to the chain; ``AuditChain/verify(_:checkpoint:)`` then starts at the
    /// checkpoint. Each run is recorded in the retention log for the weekly report.
    ///
    /// - Parameter periods: The retention periods.
    /// - Returns: What was removed.
    /// - Throws: ``WachterError/Code/storeFailure``; nothing is removed then.
    public func prune(_ periods: RetentionPeriods) throws -> PruneResult {
        let now = clock.now()
        let days = { (count: Int) in now.addingTimeInterval(-TimeInterval(count) * 86_400) }
        let loginCutoff = days(periods.loginEventsDays)
        let sourceCutoff = days(min(periods.loginSourceDays, periods.loginEventsDays))
        let siteCutoff = days(periods.siteChecksDays)
        let historyCutoff = periods.passwordHistoryDays > 0 ? days(periods.passwordHistoryDays) : nil
        let auditCutoff = days(periods.auditDays)
        let result = try store.write { writer in
            var result = PruneResult(
                time: now, loginEvents: try writer.deleteLoginEvents(before: loginCutoff),
                siteChecks: try writer.deleteSiteChecks(before: siteCutoff),
                passwordHistory: try writer.deletePasswordHistory(
                    before: historyCutoff, keep: max(0, periods.passwordHistoryDepth)),
                auditEntries: 0)
            result.loginSources = try writer.dropLoginSources(before: sourceCutoff)
            result.heldCustomers = try writer.deleteHeldCustomers(before: now).count

            let trail = try writer.auditEntries()
            let previous = try writer.auditCheckpoint()
            var checkpoint: AuditCheckpoint?
            switch AuditChain.verify(trail, checkpoint: previous) {
            case .broken(let sequence, let reason):
                result.auditSkipped = "the audit trail does not verify at entry \(sequence): \(reason)"
            case .intact:
                // Only a prefix by sequence can go, so that the kept part stays a chain.
                if let head = trail.prefix(while: { $0.time < auditCutoff }).last {
                    checkpoint = AuditCheckpoint(sequence: head.sequence, hash: head.hash, time: head.time, createdAt: now)
                }
            }
            var detail = [
                "login_event=\(result.loginEvents)", "login_source=\(result.loginSources)",
                "held_customer=\(result.heldCustomers)",
                "site_check=\(result.siteChecks ?? 0)",
                "password_history=\(result.passwordHistory)",
                "audit=\(checkpoint.map { cp in trail.prefix { $0.sequence <= cp.sequence }.count } ?? 0)",
            ].joined(separator: " ")
            if let checkpoint { detail += " " + AuditChain.checkpointRecord(checkpoint) }
            let removedAnything =
                result.loginEvents + result.loginSources + result.heldCustomers + (result.siteChecks ?? 0)
                + result.passwordHistory > 0
                || checkpoint != nil
            if removedAnything {
                try AuditChain.append(
                    to: writer, time: now, actor: actor, action: AuditChain.pruneAction, target: "retention", detail: detail)
            }
            if let checkpoint {
                result.auditEntries = try writer.pruneAudit(through: checkpoint)
                result.auditCheckpoint = checkpoint.sequence
            }
            try writer.recordRetention(time: now, record: .loginEvents, removed: result.loginEvents, cutoff: loginCutoff)
            try writer.recordRetention(time: now, record: .siteChecks, removed: result.siteChecks ?? 0, cutoff: siteCutoff)
            try writer.recordRetention(
                time: now, record: .passwordHistory, removed: result.passwordHistory, cutoff: historyCutoff ?? now)
            try writer.recordRetention(time: now, record: .auditEntries, removed: result.auditEntries, cutoff: auditCutoff)
            return result
        }
        logger.info(
            "retention applied",
            metadata: [
                "login_events": "\(result.loginEvents)", "login_sources": "\(result.loginSources)",
                "site_checks": "\(result.siteChecks ?? 0)",
                "password_history": "\(result.passwordHistory)", "audit_entries": "\(result.auditEntries)",
            ])
        return result
    }
}
