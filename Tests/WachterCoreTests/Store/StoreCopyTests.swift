import Foundation
import Testing
import WachterCore
import WachterTestSupport

/// `store copy` between every pair of backends: every table arrives, the audit chain
/// verifies in its new home, and a target that holds rows is refused without `replace`.
struct StoreCopyTests {
    static var pairs: [(StoreBackend, StoreBackend)] {
        StoreBackend.available.flatMap { source in StoreBackend.available.map { (source, $0) } }
    }

    /// A store with a row in every table.
    static func fill(_ store: any CredentialStore) throws {
        let t0 = StoreContractTests.t0
        try store.write { writer in
            try writer.insert(Customer(id: "acme", name: "Acme", company: "Acme BV", email: "x@acme.nl", createdAt: t0))
            var jan = StoreContractTests.account("jan", .ftp, "acme")
            jan.lockedUntil = t0.addingTimeInterval(600)
            jan.mustChange = true
            try writer.insert(jan)
            try writer.insert(StoreContractTests.account("info@acme.nl", .mailbox, "acme"))
            try writer.appendHistory(account: "jan", hash: "$y$old1", setAt: t0, keep: 5)
            try writer.appendHistory(account: "jan", hash: "$y$old2", setAt: t0.addingTimeInterval(1), keep: 5)
            try writer.insert(
                (0..<2500).map { StoreContractTests.event("jan", $0 % 3 == 0 ? .failure : .success, at: Double($0)) })
            for index in 0..<5 {
                // A time with more digits than a microsecond: the chain hashes it bit for bit.
                _ = try AuditChain.append(
                    to: writer, time: t0.addingTimeInterval(Double(index) + 0.123_456_789), actor: "t", action: "a\(index)",
                    target: "jan")
            }
            try writer.recordRetention(time: t0, record: .loginEvents, removed: 3, cutoff: t0)
            try writer.insert(
                Site(
                    domain: "acme.nl", customerID: "acme", endpoints: [.init(connect: "127.0.0.1:993", starttls: nil)],
                    filesOnly: false, createdAt: t0))
            try writer.insert(
                SiteCheckResult(
                    stored: "acme.nl", endpoint: nil, starttls: nil, verdict: .ok, problems: [], checkedAt: t0,
                    notAfter: t0.addingTimeInterval(86_400)))
            try writer.setExportStamp(
                ExportStamp(host: "mx1", path: "/etc/dovecot/users", identity: "i", settings: "s", writtenAt: t0))
        }
    }

    @Test(arguments: pairs)
    func aWholeStoreArrivesAndItsAuditChainVerifies(source: StoreBackend, target: StoreBackend) throws {
        let from = try makeTemporaryDirectory()
        let to = try makeTemporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: from)
            try? FileManager.default.removeItem(atPath: to)
        }
        let original = try source.makeStore(in: from)
        try Self.fill(original)
        let copy = try StoreCopy(from: source.location(in: from), to: target.location(in: to))
        let outcome = try copy.run(replace: false)
        #expect(outcome.rows["login_event"] == 2500)
        #expect(outcome.rows["audit"] == 5)
        #expect(outcome.rows.count == StoreTable.allCases.count)
        let copied = try target.location(in: to).open()
        let (before, after) = try (Self.snapshot(original), Self.snapshot(copied))
        #expect(before == after)
        try copied.read { reader in
            let entries = try reader.auditEntries()
            #expect(
                AuditChain.verify(entries, checkpoint: try reader.auditCheckpoint(), anchor: try copied.auditAnchor?.head())
                    == .intact(count: 5))
        }
        // The copied keys continue: a new event and history entry get fresh ids.
        try copied.write { writer in
            try writer.insert(StoreContractTests.event("jan", .success, at: 9_999))
            try writer.appendHistory(account: "jan", hash: "$y$old3", setAt: StoreContractTests.t0, keep: 5)
        }
        #expect(try copied.read { try $0.passwordHistory(account: "jan", limit: 5) } == ["$y$old3", "$y$old2", "$y$old1"])
    }

    @Test(arguments: pairs)
    func aTargetWithRowsIsRefusedUnlessReplaced(source: StoreBackend, target: StoreBackend) throws {
        let from = try makeTemporaryDirectory()
        let to = try makeTemporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: from)
            try? FileManager.default.removeItem(atPath: to)
        }
        try Self.fill(try source.makeStore(in: from))
        let existing = try target.makeStore(in: to)
        try existing.write { try $0.insert(Customer(id: "other", name: "Other", createdAt: StoreContractTests.t0)) }
        let copy = try StoreCopy(from: source.location(in: from), to: target.location(in: to))
        #expect(throws: WachterError.self) { try copy.run(replace: false) }
        #expect(try existing.read { try $0.customers().map(\.id) } == ["other"])
        let outcome = try copy.run(replace: true)
        #expect(outcome.replaced)
        #expect(try existing.read { try $0.customers().map(\.id) } == ["acme"])
    }

    @Test(arguments: pairs)
    func aStoreCopiedThereAndBackReadsTheSame(source: StoreBackend, target: StoreBackend) throws {
        let directories = try (0..<3).map { _ in try makeTemporaryDirectory() }
        defer { for directory in directories { try? FileManager.default.removeItem(atPath: directory) } }
        let original = try source.makeStore(in: directories[0])
        try Self.fill(original)
        // Times on and just off whole seconds: a microsecond lost in a copy would show.
        try original.write { writer in
            for (index, offset) in [0.0, 0.000_001, 0.999_999, 59.5].enumerated() {
                var account = StoreContractTests.account(
                    "t\(index)", .ssh, "acme", at: StoreContractTests.t0.addingTimeInterval(offset))
                account.lastLogin = StoreContractTests.t0.addingTimeInterval(86_400 + offset)
                try writer.insert(account)
            }
        }
        _ = try StoreCopy(from: source.location(in: directories[0]), to: target.location(in: directories[1])).run(replace: false)
        _ = try StoreCopy(from: target.location(in: directories[1]), to: source.location(in: directories[2])).run(replace: false)
        #expect(try Self.snapshot(source.location(in: directories[2]).open()) == Self.snapshot(original))
    }

    /// What a store holds, read through the services' queries.
    struct Snapshot: Equatable {
        var customers: [Customer]
        var accounts: [Account]
        var history: [String]
        var events: [LoginEvent]
        var audit: [AuditEntry]
        var sites: [Site]
        var checks: [SiteLatestCheck]?
        var stamp: ExportStamp?
    }

    static func snapshot(_ store: any CredentialStore) throws -> Snapshot {
        try store.read { reader in
            Snapshot(
                customers: try reader.customers(), accounts: try reader.accounts(kind: nil, customerID: nil),
                history: try reader.passwordHistory(account: "jan", limit: 10),
                events: try reader.loginEvents(account: nil, since: nil, failedOnly: false, limit: nil),
                audit: try reader.auditEntries(), sites: try reader.sites(customerID: nil), checks: try reader.latestSiteChecks(),
                stamp: try reader.exportStamp(host: "mx1", path: "/etc/dovecot/users"))
        }
    }
}
