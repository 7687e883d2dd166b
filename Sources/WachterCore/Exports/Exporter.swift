internal import Foundation
internal import Logging

/// What one export wrote.
public struct ExportResult: Codable, Sendable, Equatable {
    /// The format.
    public var format: ExportFormat
    /// The file.
    public var path: String
    /// The kind of accounts it holds.
    public var kind: AccountKind
    /// How many accounts it holds.
    public var accounts: Int
    /// How many of them are locked, with a hash that cannot match.
    public var locked: Int
    /// The reload command's outcome, when one ran.
    public var reload: ReloadOutcome?
}

extension CredentialService {
    /// Writes one export file atomically from the store, and records it in the audit trail.
    ///
    /// Every account of the target's kind (and customers) is written, a locked one
    /// with a hash that cannot match (``ExportLine/lockPrefix``); removed accounts
    /// are no longer in the store. The store is read while the target's directory
    /// is locked, so of two exporters the later one writes the newer state.
    ///
    /// - Parameters:
    ///   - target: The file, its format, kind, customers, owner, group and mode.
    ///   - configuration: The userdb templates.
    ///   - reload: Whether to run the target's reload command afterwards.
    ///   - trigger: What caused the export, for the audit trail (`export` or a change's action).
    /// - Returns: What was written, and the reload's outcome.
    /// - Throws: ``WachterError`` when a record cannot be exported (then nothing is
    ///   written and the old file stays), or the file cannot be replaced. A failed
    ///   reload does not throw; it is in the result.
    public func export(
        _ target: ExportConfiguration.Target, configuration: ExportConfiguration, reload: Bool = false, trigger: String = "export"
    ) throws -> ExportResult {
        let ownership = ExportFile.Ownership(
            uid: try target.owner.map { name throws(WachterError) in try ExportFile.userID(name) },
            gid: try target.group.map { name throws(WachterError) in try ExportFile.groupID(name) },
            mode: target.mode)
        let customers = target.customers.map(Set.init)
        let counts = try ExportFile.replace(path: target.path, ownership: ownership) { () throws -> (bytes: [UInt8], result: (Int, Int)) in
            let accounts = try store.read { try $0.exportRecords(kind: target.kind) }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(accounts.count * 160)
            var written = 0
            var locked = 0
            var domains: [String: String] = [:]
            for account in accounts {
                if let customers, !customers.contains(account.customerID) { continue }
                let entry = ExportEntry(
                    name: account.name, kind: target.kind, hash: account.hash, locked: account.locked,
                    fields: try configuration.fields(name: account.name, customerID: account.customerID))
                try ExportLine.append(target.format, entry, to: &bytes, domains: &domains)
                bytes.append(UInt8(ascii: "\n"))
                written += 1
                if account.locked { locked += 1 }
            }
            return (bytes, (written, locked))
        }
        _ = try store.write { writer in
            try AuditChain.append(
                to: writer, time: clock.now(), actor: actor, action: "export", target: target.path,
                detail: "format=\(target.format.rawValue) kind=\(target.kind.rawValue) accounts=\(counts.0) locked=\(counts.1) trigger=\(trigger)")
        }
        logger.info(
            "exported", metadata: ["path": "\(target.path)", "format": "\(target.format.rawValue)", "accounts": "\(counts.0)"])
        var result = ExportResult(
            format: target.format, path: target.path, kind: target.kind, accounts: counts.0, locked: counts.1)
        if reload, let command = target.reload {
            let outcome = ReloadCommand.run(command)
            result.reload = outcome
            if !outcome.succeeded {
                _ = try store.write { writer in
                    try AuditChain.append(
                        to: writer, time: clock.now(), actor: actor, action: "export.reload-failed", target: target.path,
                        detail: outcome.summary)
                }
            }
        }
        return result
    }
}

/// What one target's automatic re-export did.
public struct ReExportOutcome: Sendable {
    /// The target.
    public var target: ExportConfiguration.Target
    /// What was written, or nil when the export failed.
    public var result: ExportResult?
    /// Why the export failed, when it did.
    public var error: WachterError?

    /// Whether the export and its reload (if any) succeeded.
    public var succeeded: Bool { error == nil && (result?.reload?.succeeded ?? true) }
}

/// Rewrites the configured export files after every change (a ``ChangeObserver``).
///
/// It reads the configuration at each change, so an edit to it takes effect at
/// once; a missing configuration file means there is nothing to re-export. Only
/// the targets that hold a changed kind are rewritten, and each one's reload
/// command runs afterwards. Failures go to `report`, never up to the change,
/// which is saved already.
public struct ReExporter: ChangeObserver {
    /// The configuration file.
    public let configurationPath: String
    /// Receives the outcome of each target of each change, and a configuration error as a failed outcome list.
    public let report: @Sendable (_ change: CredentialChange, _ outcomes: [ReExportOutcome], _ configurationError: WachterError?) -> Void

    /// Creates a re-exporter.
    ///
    /// - Parameters:
    ///   - configurationPath: The configuration file, by default ``ExportConfiguration/defaultPath``.
    ///   - report: Receives outcomes and failures.
    public init(
        configurationPath: String = ExportConfiguration.defaultPath,
        report: @escaping @Sendable (_ change: CredentialChange, _ outcomes: [ReExportOutcome], _ configurationError: WachterError?) -> Void
    ) {
        self.configurationPath = configurationPath
        self.report = report
    }

    public func credentialsChanged(_ change: CredentialChange, by service: CredentialService) {
        guard FileManager.default.fileExists(atPath: configurationPath) else { return }
        let configuration: ExportConfiguration
        do {
            configuration = try ExportConfiguration.load(path: configurationPath)
        } catch {
            report(change, [], error)
            return
        }
        var outcomes: [ReExportOutcome] = []
        for target in configuration.targets where change.kinds.contains(target.kind) {
            do {
                let result = try service.export(target, configuration: configuration, reload: true, trigger: change.action)
                outcomes.append(ReExportOutcome(target: target, result: result))
            } catch let error as WachterError {
                outcomes.append(ReExportOutcome(target: target, error: error))
            } catch {
                outcomes.append(
                    ReExportOutcome(target: target, error: WachterError(.exportFailure, "re-export failed", cause: "\(type(of: error))")))
            }
        }
        report(change, outcomes, nil)
    }
}
