import Foundation
import Testing

@testable import WachterCore

/// Sites, their endpoints and their stored checks (SiteService.swift,
/// migration v6-site-endpoints).
struct SiteServiceTests {
    let directory: TemporaryDirectory
    let service: WachterServices

    init() throws {
        directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        service = WachterServices(
            context: ServiceContext(
                store: store, hasher: try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 1)),
                clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_000)), actor: "tester"))
        try service.customers.add(id: "bakkerij", name: "Bakkerij Jansen")
    }

    @Test func aMailSiteIsStoredWithItsProtocolAndUsualPort() throws {
        let site = try service.sites.add(domain: "mail.bakkerij.nl", customerID: "bakkerij", starttls: "imap")
        #expect(site.endpoints == [SiteEndpoint(connect: "mail.bakkerij.nl:143", starttls: "imap")])
        #expect(try service.sites.site(domain: "mail.bakkerij.nl") == site)
        #expect {
            try service.sites.add(domain: "pop.bakkerij.nl", customerID: "bakkerij", starttls: "pop4")
        } throws: { ($0 as? WachterError)?.code == .invalidInput }
    }

    @Test func anAddedEndpointKeepsTheImplicitWebEndpoint() throws {
        try service.sites.add(domain: "bakkerij.nl", customerID: "bakkerij")
        try service.sites.addEndpoint(domain: "bakkerij.nl", connect: "192.0.2.10:143", starttls: "imap")
        let site = try service.sites.addEndpoint(domain: "bakkerij.nl", connect: "192.0.2.10:587", starttls: "smtp")
        #expect(
            site.endpoints == [
                SiteEndpoint(connect: "bakkerij.nl:443"), SiteEndpoint(connect: "192.0.2.10:143", starttls: "imap"),
                SiteEndpoint(connect: "192.0.2.10:587", starttls: "smtp"),
            ])
        #expect {
            try service.sites.addEndpoint(domain: "bakkerij.nl", connect: "192.0.2.10:143", starttls: nil)
        } throws: { ($0 as? WachterError)?.code == .alreadyExists }
        try service.sites.removeEndpoint(domain: "bakkerij.nl", connect: "192.0.2.10:143")
        #expect(try service.sites.site(domain: "bakkerij.nl")?.endpoints.count == 2)
        #expect {
            try service.sites.removeEndpoint(domain: "bakkerij.nl", connect: "192.0.2.10:143")
        } throws: { ($0 as? WachterError)?.code == .notFound }
        try service.sites.remove(domain: "bakkerij.nl")
        #expect(try service.sites.site(domain: "bakkerij.nl") == nil)
    }

    @Test func aFilesOnlySiteNeedsItsFiles() throws {
        let site = try service.sites.add(
            domain: "nieuw.bakkerij.nl", customerID: "bakkerij", filesOnly: true, certFile: "/etc/ssl/nieuw.pem",
            keyFile: "/etc/ssl/nieuw.key")
        #expect(site.filesOnly && site.endpoints.isEmpty)
        #expect(try service.sites.site(domain: "nieuw.bakkerij.nl")?.filesOnly == true)
        #expect {
            try service.sites.add(domain: "leeg.bakkerij.nl", customerID: "bakkerij", filesOnly: true)
        } throws: { ($0 as? WachterError)?.code == .invalidInput }
        // An endpoint makes it a connected site.
        let connected = try service.sites.addEndpoint(domain: "nieuw.bakkerij.nl", connect: "192.0.2.10:443", starttls: nil)
        #expect(!connected.filesOnly && connected.endpoints == [SiteEndpoint(connect: "192.0.2.10:443")])
    }

    @Test func theLatestRunGivesOneCheckPerEndpointWithItsCodes() throws {
        try service.sites.add(domain: "bakkerij.nl", customerID: "bakkerij")
        let old = Date(timeIntervalSince1970: 1_799_000_000)
        let new = Date(timeIntervalSince1970: 1_800_000_000)
        try service.sites.record([
            SiteCheckResult(
                stored: "bakkerij.nl", endpoint: nil, starttls: nil, verdict: .ok, problems: [], checkedAt: old, notAfter: nil)
        ])
        let revoked = SiteCheckResult(
            domain: "bakkerij.nl", endpoint: "192.0.2.10:143",
            problems: [
                Problem(.revoked, "The certificate was revoked.", source: .served),
                Problem(.keyMismatch, "The key file's key does not belong to the certificate.", source: .disk),
            ],
            checkedAt: new, served: nil, disk: nil, protocolVersion: "TLSv1.3", milliseconds: 12, starttls: .imap)
        try service.sites.record([
            SiteCheckResult(
                stored: "bakkerij.nl", endpoint: "bakkerij.nl:443", starttls: nil, verdict: .ok, problems: [], checkedAt: new,
                notAfter: nil),
            revoked,
        ])
        let latest = try StoredSiteChecks(store: SQLiteStore(path: directory.path + "/w.sqlite")).latestChecks()
        #expect(latest.map(\.check?.endpoint) == ["bakkerij.nl:443", "192.0.2.10:143"])
        // The checker's result reads back as itself, less what the store does not keep.
        #expect(latest.last?.check?.problems == revoked.problems)
        #expect(latest.last?.check?.verdict == .critical && latest.last?.check?.starttls == .imap)
        #expect(latest.last?.check?.protocolVersion == nil && latest.last?.check?.milliseconds == 0)
        // site list shows the worst endpoint's verdict, with every endpoint's problems.
        let listed = try service.sites.list()
        #expect(listed.first?.latest?.verdict == .critical)
        #expect(listed.first?.latest?.has(.revoked) == true)
    }

    @Test func aSiteFromBeforeEndpointsKeepsItsConnectAfterTheUpgrade() throws {
        let path = directory.path + "/old.sqlite"
        do {
            _ = try SQLiteStore(path: path, create: true, migrateUpTo: "v5-export-stamps")
        }
        try sqlite(
            path,
            "INSERT INTO customer (id, name, created_at) VALUES ('c1', 'One', 0); INSERT INTO site (domain, customer_id, connect, created_at) VALUES ('a.example', 'c1', '192.0.2.1:8443', 0), ('b.example', 'c1', NULL, 0); INSERT INTO site_check (domain, checked_at, verdict, problems) VALUES ('a.example', 1, 'critical', 'The certificate expired.');"
        )
        let upgraded = try SQLiteStore(path: path)
        #expect(try upgraded.appliedMigrations() == SQLiteStore.migrationNames)
        let sites = try upgraded.read { try $0.sites(customerID: nil) }
        #expect(sites.map(\.endpoints) == [[SiteEndpoint(connect: "192.0.2.1:8443")], []])
        #expect(sites.allSatisfy { !$0.filesOnly })
        let latest = try StoredSiteChecks(store: upgraded).latestChecks()
        #expect(latest.map(\.check?.verdict) == [.critical, nil])
        #expect(latest.first?.check?.endpoint == nil)
        // Stored before codes were kept: the sentence with code `unrecorded` and the check's verdict.
        #expect(
            latest.first?.check?.problems
                == [Problem(.unrecorded, "The certificate expired.", source: .served, verdict: .critical)])
    }

    private func sqlite(_ path: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
