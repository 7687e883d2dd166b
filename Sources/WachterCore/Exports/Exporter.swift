internal import Crypto
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

/// Writes the files that Dovecot, pure-ftpd, ProFTPD and the shadow tools read.
public struct ExportService: ContextualService {
    let context: ServiceContext

    /// Writes one export file atomically from the store, and records it in the audit trail.
    ///
    /// Every account of the target's kind (and customers) is written, a locked one
    /// with a hash that cannot match (``ExportLine/lockPrefix``); removed accounts
    /// are no longer in the store. The store is read while the target's directory
    /// is locked, so of two exporters the later one writes the newer state.
    ///
    /// With `changed`, only those accounts' lines are made anew and the others
    /// are copied from the existing file, provided it is still exactly the file
    /// Wachter wrote with the same settings (its ``ExportStamp``); otherwise, and
    /// for more than ``patchLimit`` accounts, the whole file is written. Either way
    /// the file is replaced whole and atomically.
    ///
    /// - Parameters:
    ///   - target: The file, its format, kind, customers, owner, group and mode.
    ///   - configuration: The userdb templates.
    ///   - reload: Whether to run the target's reload command afterwards.
    ///   - trigger: What caused the export, for the audit trail (`export` or a change's action).
    ///   - changed: The accounts that changed, if only they need new lines.
    /// - Returns: What was written, and the reload's outcome.
    /// - Throws: ``WachterError`` when a record cannot be exported (then nothing is
    ///   written and the old file stays), or the file cannot be replaced. A failed
    ///   reload does not throw; it is in the result.
    public func export(
        _ target: ExportConfiguration.Target, configuration: ExportConfiguration, reload: Bool = false,
        trigger: String = "export",
        changed: Set<String>? = nil
    ) throws -> ExportResult {
        let ownership = ExportFile.Ownership(
            uid: try target.owner.map { name throws(WachterError) in try ExportFile.userID(name) },
            gid: try target.group.map { name throws(WachterError) in try ExportFile.groupID(name) },
            mode: target.mode)
        let settings = ExportWriter.settingsDigest(target, configuration)
        let writer = ExportWriter(target: target, configuration: configuration)
        let (counts, identity) = try ExportFile.replace(path: target.path, ownership: ownership) {
            previous, write throws -> ExportWriter.Counts in
            if let changed, changed.count <= Self.patchLimit, let previous,
                let stamp = try store.read({ try $0.exportStamp(host: context.host, path: target.path) }),
                stamp.identity == previous.identity, stamp.settings == settings
            {
                let records = try store.read { reader in
                    try changed.map { name in (name, try reader.account(named: name)) }
                }
                return try writer.patch(try previous.read(), changed: records, write: write)
            }
            // Lines are made as the rows are read, inside one read transaction.
            var lines = writer.lines()
            try store.read { reader in
                try reader.forEachExportRecord(kind: target.kind) { record in try writer.add(record, to: &lines, write: write) }
            }
            try write(lines.bytes)
            return lines.counts
        }
        _ = try store.write { writer in
            try writer.setExportStamp(
                ExportStamp(
                    host: context.host, path: target.path, identity: identity, settings: settings, writtenAt: clock.now()))
            try AuditChain.append(
                to: writer, time: clock.now(), actor: actor, action: "export", target: target.path,
                detail:
                    "format=\(target.format.rawValue) kind=\(target.kind.rawValue) accounts=\(counts.written) locked=\(counts.locked) trigger=\(trigger)\(counts.patched ? " patched" : "")"
            )
        }
        logger.info(
            "exported",
            metadata: [
                "path": "\(target.path)", "format": "\(target.format.rawValue)", "accounts": "\(counts.written)",
                "patched": "\(counts.patched)",
            ])
        var result = ExportResult(
            format: target.format, path: target.path, kind: target.kind, accounts: counts.written, locked: counts.locked)
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

    /// The most changed accounts a re-export patches; more, and the whole file is written.
    public static let patchLimit = 64
}

/// Makes the lines of one target, for a whole file or a patched one.
struct ExportWriter {
    /// How many accounts a file holds, how many are locked, and whether it was patched.
    struct Counts {
        var written = 0
        var locked = 0
        var patched = false
    }

    /// Bumped whenever a line's form changes, so that files written by an older
    /// Wachter are written whole rather than patched.
    static let formatVersion = 1
    /// Lines go out in chunks of about a megabyte: memory stays small whatever the number of accounts.
    static let chunk = 1 << 20

    let target: ExportConfiguration.Target
    let configuration: ExportConfiguration

    /// A digest of everything besides the store that decides a file's lines.
    static func settingsDigest(_ target: ExportConfiguration.Target, _ configuration: ExportConfiguration) -> String {
        var text =
            "v\(formatVersion)|\(target.format.rawValue)|\(target.kind.rawValue)|\((target.customers ?? ["*"]).sorted())|\((target.domains ?? ["*"]).sorted())"
        text += "|\(configuration.defaults)"
        for (key, template) in configuration.customers.sorted(by: { $0.key < $1.key }) { text += "|c:\(key)=\(template)" }
        for (key, template) in configuration.domains.sorted(by: { $0.key < $1.key }) { text += "|d:\(key)=\(template)" }
        return SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// What the lines of one export share: the field plans and the name checks made so far.
    struct State {
        var plans: FieldPlans
        var names = ExportLine.NameCheck()
    }

    private func state() -> State { State(plans: FieldPlans(configuration)) }

    /// The line of one record, checked, with its newline.
    private func line(_ record: ExportRecord, state: inout State) throws(WachterError) -> [UInt8] {
        var bytes: [UInt8] = []
        try append(record, to: &bytes, state: &state)
        return bytes
    }

    private func append(_ record: ExportRecord, to bytes: inout [UInt8], state: inout State) throws(WachterError) {
        let values = Placeholders(account: record.name, customer: record.customerID)
        // shadow lines have no userdb fields; the templates are not even parsed.
        let plan =
            target.format == .shadow ? FieldPlan.empty : try state.plans.plan(customer: record.customerID, domain: values.domain)
        try ExportLine.append(
            target.format, record, kind: target.kind, plan: plan, values: values, to: &bytes, names: &state.names)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Whether the target holds an account of its kind: its customers and domains, when it names them.
    private func includes(name: String, customerID: String) -> Bool {
        guard target.customers.map({ $0.contains(customerID) }) ?? true else { return false }
        guard let domains = target.domains else { return true }
        // The domain as `%d` has it: after the last `@`, empty for a name without one.
        let domain = Placeholders(account: name, customer: customerID).domain
        return !domain.isEmpty && domains.contains(String(domain))
    }

    /// The lines of a whole file as they are made: what is not yet written, and the counts.
    struct Lines {
        var bytes: [UInt8] = []
        var counts = Counts()
        var state: State
    }

    /// An empty file's lines.
    func lines() -> Lines {
        var lines = Lines(state: state())
        lines.bytes.reserveCapacity(Self.chunk + 4096)
        return lines
    }

    /// Adds a record's line, if the target holds its customer, and writes out a full chunk.
    func add(_ record: ExportRecord, to lines: inout Lines, write: ([UInt8]) throws(WachterError) -> Void) throws(WachterError) {
        guard includes(name: record.name, customerID: record.customerID) else { return }
        try append(record, to: &lines.bytes, state: &lines.state)
        lines.counts.written += 1
        if record.locked { lines.counts.locked += 1 }
        if lines.bytes.count >= Self.chunk {
            try write(lines.bytes)
            lines.bytes.removeAll(keepingCapacity: true)
        }
    }

    /// Copies the previous file's lines, with the changed accounts' lines made anew,
    /// added in name order (the store's order, bytewise) or left out when removed.
    func patch(
        _ previous: [UInt8], changed: [(name: String, account: Account?)], write: ([UInt8]) throws(WachterError) -> Void
    ) throws(WachterError) -> Counts {
        var state = state()
        var fresh: [(name: [UInt8], line: [UInt8], locked: Bool)] = []
        for (_, account) in changed {
            guard let account, account.kind == target.kind, includes(name: account.name, customerID: account.customerID)
            else { continue }
            let record = ExportRecord(
                name: account.name, customerID: account.customerID, hash: account.hash, locked: account.locked)
            fresh.append((Array(account.name.utf8), try line(record, state: &state), account.locked))
        }
        fresh.sort { $0.name.lexicographicallyPrecedes($1.name) }
        let replaced = changed.map { Array($0.name.utf8) }
        var counts = Counts(patched: true)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.chunk + 4096)
        var next = 0
        func emitFresh() {
            bytes.append(contentsOf: fresh[next].line)
            counts.written += 1
            if fresh[next].locked { counts.locked += 1 }
            next += 1
        }
        var start = 0
        while start < previous.count {
            let end = previous[start...].firstIndex(of: UInt8(ascii: "\n")) ?? previous.count
            let colon = previous[start..<end].firstIndex(of: UInt8(ascii: ":")) ?? end
            let name = previous[start..<colon]
            while next < fresh.count, fresh[next].name.lexicographicallyPrecedes(name) { emitFresh() }
            if replaced.contains(where: { $0.elementsEqual(name) }) {
                if next < fresh.count, fresh[next].name.elementsEqual(name) { emitFresh() }
            } else {
                bytes.append(contentsOf: previous[start..<min(end + 1, previous.count)])
                if end == previous.count { bytes.append(UInt8(ascii: "\n")) }
                counts.written += 1
                if Self.isLocked(previous[colon..<end]) { counts.locked += 1 }
            }
            if bytes.count >= Self.chunk {
                try write(bytes)
                bytes.removeAll(keepingCapacity: true)
            }
            start = end + 1
        }
        while next < fresh.count { emitFresh() }
        try write(bytes)
        return counts
    }

    /// Whether the rest of a line after the name (`:password:...`) holds a locked hash.
    private static func isLocked(_ rest: ArraySlice<UInt8>) -> Bool {
        var index = rest.index(after: rest.startIndex)
        guard index < rest.endIndex else { return false }
        if rest[index] == UInt8(ascii: "{") {
            guard let close = rest[index...].firstIndex(of: UInt8(ascii: "}")) else { return false }
            index = rest.index(after: close)
        }
        return index < rest.endIndex && rest[index] == UInt8(ascii: "!")
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
    public let report:
        @Sendable (_ change: CredentialChange, _ outcomes: [ReExportOutcome], _ configurationError: WachterError?) -> Void

    /// Creates a re-exporter.
    ///
    /// - Parameters:
    ///   - configurationPath: The configuration file, by default ``ExportConfiguration/defaultPath``.
    ///   - report: Receives outcomes and failures.
    public init(
        configurationPath: String = ExportConfiguration.defaultPath,
        report:
            @escaping @Sendable (_ change: CredentialChange, _ outcomes: [ReExportOutcome], _ configurationError: WachterError?)
            -> Void
    ) {
        self.configurationPath = configurationPath
        self.report = report
    }

    public func credentialsChanged(_ change: CredentialChange, in context: ServiceContext) -> [WachterError] {
        guard FileManager.default.fileExists(atPath: configurationPath) else { return [] }
        let configuration: ExportConfiguration
        do {
            configuration = try ExportConfiguration.load(path: configurationPath)
        } catch {
            report(change, [], error)
            return [error]
        }
        let exports = ExportService(context: context)
        var outcomes: [ReExportOutcome] = []
        for target in configuration.targets where change.kinds.contains(target.kind) {
            do {
                let result = try exports.export(
                    target, configuration: configuration, reload: true, trigger: change.action,
                    changed: change.accounts.isEmpty ? nil : Set(change.accounts))
                outcomes.append(ReExportOutcome(target: target, result: result))
            } catch let error as WachterError {
                outcomes.append(ReExportOutcome(target: target, error: error))
            } catch {
                outcomes.append(
                    ReExportOutcome(
                        target: target, error: WachterError(.exportFailure, "re-export failed", cause: "\(type(of: error))")))
            }
        }
        report(change, outcomes, nil)
        return outcomes.compactMap { outcome in
            if let error = outcome.error { return error }
            guard let reload = outcome.result?.reload, !reload.succeeded else { return nil }
            return WachterError(
                .exportFailure, "\(outcome.target.path) was rewritten, but its reload command failed: \(reload.summary)")
        }
    }
}
