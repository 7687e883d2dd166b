import Foundation
import Synchronization
import Testing
import WachterTestSupport

@testable import WachterCore

/// A store whose reads see account names edited behind Wachter's back.
private struct TamperedStore: CredentialStore {
    let inner: any CredentialStore
    let rename: @Sendable (String) -> String

    func read<T>(_ body: (any StoreReading) throws -> T) throws -> T {
        try inner.read { try body(TamperedReader(inner: $0, rename: rename)) }
    }

    func write<T>(_ body: (any StoreWriting) throws -> T) throws -> T { try inner.write(body) }
}

private struct TamperedReader: StoreReading {
    let inner: any StoreReading
    let rename: (String) -> String
    func customer(id: String) throws -> Customer? { try inner.customer(id: id) }
    func customers() throws -> [Customer] { try inner.customers() }
    func account(named name: String) throws -> Account? { try inner.account(named: name) }
    func accounts(kind: AccountKind?, customerID: String?) throws -> [Account] {
        try inner.accounts(kind: kind, customerID: customerID).map { account in
            var account = account
            account.name = rename(account.name)
            return account
        }
    }
    func passwordHistory(account: String, limit: Int) throws -> [String] {
        try inner.passwordHistory(account: account, limit: limit)
    }
    func loginEvents(account: String?, since: Date?, failedOnly: Bool, limit: Int?) throws -> [LoginEvent] {
        try inner.loginEvents(account: account, since: since, failedOnly: failedOnly, limit: limit)
    }
    func loginEventsWithSource(afterID id: Int64, limit: Int) throws -> [LoginEvent] {
        try inner.loginEventsWithSource(afterID: id, limit: limit)
    }
    func failureTimes(account: String?, sourceDigest: String?, since: Date) throws -> [Date] {
        try inner.failureTimes(account: account, sourceDigest: sourceDigest, since: since)
    }
    func auditEntries() throws -> [AuditEntry] { try inner.auditEntries() }
    func lastAuditEntry() throws -> AuditEntry? { try inner.lastAuditEntry() }
    func heldCustomers(limit: Int) throws -> (total: Int, customers: [Customer]) { try inner.heldCustomers(limit: limit) }
    // No stamps: the tampered reader's exports are always written whole.
    func exportStamp(host: String, path: String) throws -> ExportStamp? { nil }
    func exportStamps() throws -> [ExportStamp] { [] }
    func hosts() throws -> [HostRecord] { try inner.hosts() }
    func jobRuns() throws -> [JobRun] { try inner.jobRuns() }
    func countedFailures(account: String?, sourceDigest: String?, since: Date) throws -> Int {
        try inner.countedFailures(account: account, sourceDigest: sourceDigest, since: since)
    }
    func auditEntries(after sequence: Int64, actions: Set<String>, limit: Int) throws -> [AuditEntry] {
        try inner.auditEntries(after: sequence, actions: actions, limit: limit)
    }
    func accounts(matching condition: AccountCondition, limit: Int) throws -> (total: Int, rows: [AccountRow]) {
        try inner.accounts(matching: condition, limit: limit)
    }
    func forEachAccount(_ body: (AccountRow) throws -> Void) throws { try inner.forEachAccount(body) }
    func loginsPerDay(from: Date, to: Date) throws -> [(day: Int, logins: Int, failed: Int)] {
        try inner.loginsPerDay(from: from, to: to)
    }
    func failedSources(from: Date, to: Date, minimum: Int, limit: Int, accountsPerSource: Int) throws
        -> (total: Int, sources: [SourceFinding])
    {
        try inner.failedSources(from: from, to: to, minimum: minimum, limit: limit, accountsPerSource: accountsPerSource)
    }
    func failures(of accounts: [String], from: Date, to: Date, sourcesPerAccount: Int) throws -> [String: AccountFailures] {
        try inner.failures(of: accounts, from: from, to: to, sourcesPerAccount: sourcesPerAccount)
    }
    func unknownUsers(from: Date, to: Date, minimum: Int) throws -> (totals: UnknownUserTotals, names: [UnknownUser]) {
        try inner.unknownUsers(from: from, to: to, minimum: minimum)
    }
    func auditEntries(from: Date, limit: Int) throws -> (total: Int, entries: [AuditEntry], counts: [String: Int]) {
        try inner.auditEntries(from: from, limit: limit)
    }
    func auditCheckpoint() throws -> AuditCheckpoint? { try inner.auditCheckpoint() }
    func retentionRemovals(from: Date, to: Date) throws -> (runs: Int, removed: [RetainedRecord: Int]) {
        try inner.retentionRemovals(from: from, to: to)
    }
    func latestSiteChecks() throws -> [SiteLatestCheck]? { try inner.latestSiteChecks() }
    func site(domain: String) throws -> Site? { try inner.site(domain: domain) }
    func sites(customerID: String?) throws -> [Site] { try inner.sites(customerID: customerID) }
}

struct ExporterTests {
    static var password: Secret { Secret(bytes: Array("correct horse battery staple".utf8)) }
    static let configuration = ExportConfiguration(defaults: .init(uid: 5000, gid: 5000, home: "/var/vmail/%d/%n"))

    @Test func writesEveryAccountOfTheKindAndAuditsIt() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let service = try makeService(directory: directory)
        _ = try service.accounts.add(name: "info@acme.nl", kind: .mailbox, customerID: "acme", password: .given(Self.password))
        _ = try service.accounts.add(name: "bob@acme.nl", kind: .mailbox, customerID: "acme", password: .given(Self.password))
        _ = try service.accounts.add(name: "ftpuser", kind: .ftp, customerID: "acme", password: .given(Self.password))
        try service.accounts.lock(account: "bob@acme.nl")
        let path = directory + "/users"
        let result = try service.exports.export(.init(format: .dovecot, path: path), configuration: Self.configuration)
        #expect(result.accounts == 2)
        #expect(result.locked == 1)
        let lines = String(decoding: try #require(FileManager.default.contents(atPath: path)), as: UTF8.self).split(
            separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("bob@acme.nl:{CRYPT}!$y$"))
        #expect(lines[1].hasPrefix("info@acme.nl:{CRYPT}$y$"))
        #expect(lines[1].hasSuffix(":5000:5000::/var/vmail/acme.nl/info::"))
        #expect(try service.audit.trail().last?.action == "export")
        try service.accounts.remove(named: "bob@acme.nl")
        _ = try service.exports.export(.init(format: .dovecot, path: path), configuration: Self.configuration)
        #expect(
            String(decoding: try #require(FileManager.default.contents(atPath: path)), as: UTF8.self).contains("bob") == false)
    }

    /// A host that exports part of a shared store: mailboxes of some domains, patched after a change too.
    @Test func aTargetLimitedToDomainsHoldsOnlyTheirMailboxesWholeAndPatched() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let service = try makeService(directory: directory)
        for name in ["info@acme.nl", "bob@bakker.nl", "jan@acme.nl"] {
            _ = try service.accounts.add(name: name, kind: .mailbox, customerID: "acme", password: .given(Self.password))
        }
        let path = directory + "/users"
        let target = ExportConfiguration.Target(format: .dovecot, path: path, domains: ["acme.nl"])
        #expect(try service.exports.export(target, configuration: Self.configuration).accounts == 2)
        _ = try service.accounts.add(name: "piet@acme.nl", kind: .mailbox, customerID: "acme", password: .given(Self.password))
        _ = try service.accounts.add(
            name: "kees@bakker.nl", kind: .mailbox, customerID: "acme", password: .given(Self.password))
        _ = try service.exports.export(
            target, configuration: Self.configuration, changed: ["piet@acme.nl", "kees@bakker.nl"])
        let names = String(decoding: try #require(FileManager.default.contents(atPath: path)), as: UTF8.self)
            .split(separator: "\n").map { $0.prefix { $0 != ":" } }
        #expect(names == ["info@acme.nl", "jan@acme.nl", "piet@acme.nl"])
        #expect(try service.audit.trail().last?.detail.contains("patched") == true)
    }

    @Test(arguments: ["info@acme.nl:0:0::/root:/bin/sh\nroot", "info@acme.nl\0", "x:y"])
    func aStoreEditedBehindWachtersBackCannotCorruptTheExport(hostile: String) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let honest = try makeService(directory: directory)
        _ = try honest.accounts.add(name: "info@acme.nl", kind: .mailbox, customerID: "acme", password: .given(Self.password))
        let path = directory + "/users"
        _ = try honest.exports.export(.init(format: .dovecot, path: path), configuration: Self.configuration)
        let before = FileManager.default.contents(atPath: path)
        let tampered = WachterServices(
            context: ServiceContext(
                store: TamperedStore(inner: honest.context.store, rename: { _ in hostile }),
                hasher: honest.context.rules(for: .mailbox).hasher,
                actor: "test"))
        let error = #expect(throws: WachterError.self) {
            try tampered.exports.export(.init(format: .dovecot, path: path), configuration: Self.configuration)
        }
        #expect(error?.description.contains("\n") == false)
        #expect(FileManager.default.contents(atPath: path) == before)
    }

    @Test func aMailboxWithASlashStoredByAnEarlierVersionStopsTheExportWithWhatToDo() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let honest = try makeService(directory: directory)
        _ = try honest.accounts.add(name: "ab@acme.nl", kind: .mailbox, customerID: "acme", password: .given(Self.password))
        let path = directory + "/users"
        let earlier = WachterServices(
            context: ServiceContext(
                store: TamperedStore(inner: honest.context.store, rename: { $0 == "ab@acme.nl" ? "a/b@acme.nl" : $0 }),
                hasher: honest.context.rules(for: .mailbox).hasher, actor: "test"))
        let error = #expect(throws: WachterError.self) {
            try earlier.exports.export(.init(format: .dovecot, path: path), configuration: Self.configuration)
        }
        #expect(error?.message.contains("'a/b@acme.nl'") == true, "\(error?.description ?? "-")")
        #expect(error?.message.contains("directory level") == true, "\(error?.description ?? "-")")
        #expect(error?.description.contains("wachter account remove") == true, "\(error?.description ?? "-")")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func reExportsOnlyTheTargetsOfTheChangedKindAndReportsAFailedReload() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
        [defaults]
        uid = 5000
        gid = 5000
        home = "/srv/%c/%n"
        [[targets]]
        format = "dovecot"
        path = "\(directory)/users"
        reload = ["/bin/false"]
        [[targets]]
        format = "shadow"
        path = "\(directory)/shadow"
        """.write(toFile: directory + "/exports.toml", atomically: true, encoding: .utf8)
        let seen = Mutex<[(String, Bool)]>([])
        var service = try makeService(directory: directory)
        service.observeChanges(
            ReExporter(configurationPath: directory + "/exports.toml") { _, outcomes, error in
                #expect(error == nil)
                seen.withLock { $0 += outcomes.map { ($0.target.path, $0.succeeded) } }
            })
        _ = try service.accounts.add(name: "info@acme.nl", kind: .mailbox, customerID: "acme", password: .given(Self.password))
        let outcomes = seen.withLock { $0 }
        #expect(outcomes.map(\.0) == [directory + "/users"])
        #expect(outcomes.map(\.1) == [false])
        #expect(FileManager.default.fileExists(atPath: directory + "/shadow") == false)
        #expect(try service.audit.trail().map(\.action).suffix(3) == ["account.add", "export", "export.reload-failed"])
    }

    @Test func aReExportPatchesOnlyTheChangedLinesAndMatchesAFullExport() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let service = try makeService(directory: directory)
        for name in ["a@acme.nl", "c@acme.nl", "e@acme.nl"] {
            _ = try service.accounts.add(name: name, kind: .mailbox, customerID: "acme", password: .given(Self.password))
        }
        let patched = ExportConfiguration.Target(format: .dovecot, path: directory + "/patched")
        let full = ExportConfiguration.Target(format: .dovecot, path: directory + "/full")
        _ = try service.exports.export(patched, configuration: Self.configuration)
        func contents(_ path: String) -> String? {
            FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
        }
        func change(_ changed: Set<String>) throws {
            let result = try service.exports.export(patched, configuration: Self.configuration, changed: changed)
            _ = try service.exports.export(full, configuration: Self.configuration)
            #expect(contents(patched.path) == contents(full.path))
            #expect(result.accounts == contents(full.path)?.split(separator: "\n").count)
            #expect(try service.audit.trail().suffix(2).first?.detail.hasSuffix(" patched") == true)
        }
        try service.accounts.lock(account: "c@acme.nl")
        try change(["c@acme.nl"])
        _ = try service.accounts.add(name: "b@acme.nl", kind: .mailbox, customerID: "acme", password: .given(Self.password))
        _ = try service.accounts.add(name: "z@acme.nl", kind: .mailbox, customerID: "acme", password: .given(Self.password))
        try change(["b@acme.nl", "z@acme.nl"])
        try service.accounts.remove(named: "a@acme.nl")
        try change(["a@acme.nl"])
        _ = try service.accounts.add(name: "sshuser", kind: .ssh, customerID: "acme", password: .given(Self.password))
        try change(["sshuser"])
        #expect(contents(patched.path)?.contains("c@acme.nl:{CRYPT}!") == true)
    }

    @Test func aFileEditedBehindWachtersBackIsWrittenWholeNotPatched() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let service = try makeService(directory: directory)
        _ = try service.accounts.add(name: "a@acme.nl", kind: .mailbox, customerID: "acme", password: .given(Self.password))
        let target = ExportConfiguration.Target(format: .dovecot, path: directory + "/users")
        _ = try service.exports.export(target, configuration: Self.configuration)
        let handle = try #require(FileHandle(forWritingAtPath: target.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("intruder@acme.nl:{PLAIN}x::::::\n".utf8))
        try handle.close()
        try service.accounts.lock(account: "a@acme.nl")
        _ = try service.exports.export(target, configuration: Self.configuration, changed: ["a@acme.nl"])
        let text = String(decoding: try #require(FileManager.default.contents(atPath: target.path)), as: UTF8.self)
        #expect(!text.contains("intruder"))
        #expect(try service.audit.trail().last?.detail.hasSuffix(" patched") == false)
    }

    @Test func otherSettingsMeanAWholeFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let service = try makeService(directory: directory)
        _ = try service.accounts.add(name: "a@acme.nl", kind: .mailbox, customerID: "acme", password: .given(Self.password))
        let target = ExportConfiguration.Target(format: .dovecot, path: directory + "/users")
        _ = try service.exports.export(target, configuration: Self.configuration)
        let moved = ExportConfiguration(defaults: .init(uid: 6000, gid: 6000, home: "/srv/%d/%n"))
        _ = try service.exports.export(target, configuration: moved, changed: [])
        let text = String(decoding: try #require(FileManager.default.contents(atPath: target.path)), as: UTF8.self)
        #expect(text.contains(":6000:6000::/srv/acme.nl/a::"))
    }

    @Test func aBrokenConfigurationIsReportedNotThrown() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "[[targets]\n".write(toFile: directory + "/exports.toml", atomically: true, encoding: .utf8)
        let reported = Mutex(false)
        var service = try makeService(directory: directory)
        service.observeChanges(
            ReExporter(configurationPath: directory + "/exports.toml") { _, _, error in
                reported.withLock { $0 = error != nil }
            })
        _ = try service.accounts.add(name: "ssh1", kind: .ssh, customerID: "acme", password: .given(Self.password))
        #expect(reported.withLock { $0 })
        #expect(try service.accounts.account(named: "ssh1").kind == .ssh)
    }
}
