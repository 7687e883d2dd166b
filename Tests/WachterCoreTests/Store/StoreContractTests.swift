import Foundation
import Synchronization
import Testing
import WachterCore
import WachterTestSupport

/// What any ``CredentialStore`` must do, run unchanged against every backend in
/// ``StoreBackend/available``: transactions that fail change nothing, concurrent writers
/// are serialised, migrations are idempotent, and every query the services use
/// returns what was written.
struct StoreContractTests {
    static let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    /// A fresh store of one backend in a private directory.
    struct Subject {
        let directory: String
        let store: any CredentialStore

        init(_ backend: StoreBackend) throws {
            directory = try makeTemporaryDirectory()
            store = try backend.makeStore(in: directory)
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }

        func seed() throws {
            try store.write { writer in
                try writer.insert(Customer(id: "acme", name: "Acme", company: "Acme BV", email: "x@acme.nl", createdAt: t0))
                try writer.insert(Customer(id: "bakker", name: "Bakker", createdAt: t0))
                try writer.insert(account("info@acme.nl", .mailbox, "acme"))
                try writer.insert(account("jan", .ftp, "acme"))
                try writer.insert(account("piet", .ssh, "bakker"))
            }
        }
    }

    static func account(_ name: String, _ kind: AccountKind, _ customer: String, at time: Date = t0) -> Account {
        Account(
            name: name, kind: kind, customerID: customer, hash: "$y$j9T$salt$\(name)", passwordSetAt: time, createdAt: time)
    }

    static func event(_ account: String, _ result: LoginResult, at offset: TimeInterval, from source: String? = "192.0.2.1")
        -> LoginEvent
    {
        LoginEvent(
            time: t0.addingTimeInterval(offset), account: account, service: "imap", source: source, result: result,
            reason: result == .success ? nil : "wrong password", sourceDigest: source.map { "d." + $0 })
    }

    struct Boom: Error {}

    // MARK: Transactions

    @Test(arguments: StoreBackend.available)
    func aWriteThatThrowsChangesNothing(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.seed()
        #expect(throws: Boom.self) {
            try subject.store.write { writer in
                try writer.insert(Customer(id: "ghost", name: "Ghost", createdAt: Self.t0))
                try writer.insert(Self.account("ghost@acme.nl", .mailbox, "ghost"))
                try writer.deleteAccount(named: "jan")
                _ = try AuditChain.append(to: writer, time: Self.t0, actor: "t", action: "x", target: "y")
                throw Boom()
            }
        }
        try subject.store.read { (reader: any StoreReading) throws in
            #expect(try reader.customer(id: "ghost") == nil)
            #expect(try reader.account(named: "ghost@acme.nl") == nil)
            #expect(try reader.account(named: "jan") != nil)
            #expect(try reader.auditEntries().isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aTakenKeyFailsTheWholeTransaction(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.seed()
        #expect(throws: (any Error).self) {
            try subject.store.write { writer in
                try writer.insert(Self.account("new@acme.nl", .mailbox, "acme"))
                try writer.insert(Self.account("jan", .ftp, "acme"))
            }
        }
        #expect(try subject.store.read { try $0.account(named: "new@acme.nl") } == nil)
    }

    @Test(arguments: StoreBackend.available)
    func concurrentWritersAreSerialisedAndTheAuditChainStaysWhole(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.seed()
        let errors = Mutex<[String]>([])
        let store = subject.store
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in 0..<15 {
                do {
                    try store.write { writer in
                        let name = "w\(worker)-\(index)"
                        try writer.insert(Self.account(name, .ftp, "acme"))
                        // Read-modify-write inside the transaction: no update may be lost.
                        guard var jan = try writer.account(named: "jan") else { throw Boom() }
                        jan.failures += 1
                        try writer.update(jan)
                        _ = try AuditChain.append(to: writer, time: Self.t0, actor: "t", action: "account.add", target: name)
                    }
                } catch {
                    errors.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(errors.withLock { $0 }.isEmpty)
        try store.read { (reader: any StoreReading) throws in
            #expect(try reader.accounts(kind: .ftp, customerID: nil).count == 1 + 8 * 15)
            #expect(try reader.account(named: "jan")?.failures == 8 * 15)
            let entries = try reader.auditEntries()
            #expect(entries.count == 8 * 15)
            #expect(AuditChain.verify(entries, checkpoint: try reader.auditCheckpoint()) == .intact(count: 8 * 15))
        }
    }

    // MARK: Migrations

    @Test(arguments: StoreBackend.available)
    func migrationsAreAppliedOnceAndReopeningChangesNothing(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.seed()
        let first = try WachterServices.initialize(backend.location(in: subject.directory))
        let second = try WachterServices.initialize(backend.location(in: subject.directory))
        #expect(first == SQLiteStore.migrationNames)
        #expect(PostgresStore.migrationNames == SQLiteStore.migrationNames)
        #expect(second == first)
        #expect(try subject.store.read { try $0.customers().map(\.id) } == ["acme", "bakker"])
    }

    // MARK: Customers and accounts

    @Test(arguments: StoreBackend.available)
    func aCustomersContactFieldsReadBackAsWrittenAndUpdate(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        // The services store sealed text here; the store keeps any string as it is.
        let full = Customer(
            id: "acme", name: "wk1.0011aabb.bmFtZQ==", company: "Acme BV", email: "x@acme.nl", createdAt: Self.t0,
            address: "Kanaalweg 1", postcode: "1234 AB", city: "Utrecht", website: "https://acme.nl", phone: "+31 30 1")
        try subject.store.write { try $0.insert(full) }
        #expect(try subject.store.read { try $0.customer(id: "acme") } == full)
        var edited = full
        edited.name = "Acme Holding"
        edited.city = "Amsterdam"
        edited.phone = nil
        edited.company = nil
        try subject.store.write { try $0.update(edited) }
        try subject.store.read { (reader: any StoreReading) throws in
            #expect(try reader.customer(id: "acme") == edited)
            #expect(try reader.customers() == [edited])
        }
    }

    @Test(arguments: StoreBackend.available)
    func customersAndAccountsReadBackAsWritten(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.seed()
        try subject.store.write { writer in
            var jan = try #require(try writer.account(named: "jan"))
            jan.hash = "$y$j9T$salt$new"
            jan.mustChange = true
            jan.locked = true
            jan.lockedUntil = Self.t0.addingTimeInterval(900)
            jan.failures = 3
            jan.lastLogin = Self.t0.addingTimeInterval(60)
            try writer.update(jan)
        }
        try subject.store.read { (reader: any StoreReading) throws in
            #expect(try reader.customer(id: "acme")?.company == "Acme BV")
            #expect(try reader.customers().map(\.id) == ["acme", "bakker"])
            #expect(try reader.accounts(kind: nil, customerID: nil).map(\.name) == ["info@acme.nl", "jan", "piet"])
            #expect(try reader.accounts(kind: .ftp, customerID: nil).map(\.name) == ["jan"])
            #expect(try reader.accounts(kind: nil, customerID: "bakker").map(\.name) == ["piet"])
            let jan = try #require(try reader.account(named: "jan"))
            #expect(jan.hash == "$y$j9T$salt$new")
            #expect(jan.mustChange && jan.locked && jan.failures == 3)
            #expect(jan.lockedUntil == Self.t0.addingTimeInterval(900))
            #expect(jan.lastLogin == Self.t0.addingTimeInterval(60))
            #expect(try reader.account(named: "nobody") == nil)
        }
        try subject.store.write { try $0.deleteAccount(named: "jan") }
        #expect(try subject.store.read { try $0.account(named: "jan") } == nil)
    }

    @Test(arguments: StoreBackend.available)
    func historyKeepsTheNewestHashesNewestFirst(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.seed()
        try subject.store.write { writer in
            for index in 1...6 {
                try writer.appendHistory(
                    account: "jan", hash: "h\(index)", setAt: Self.t0.addingTimeInterval(Double(index)), keep: 3)
            }
            try writer.appendHistory(account: "piet", hash: "p1", setAt: Self.t0, keep: 3)
        }
        try subject.store.read { (reader: any StoreReading) throws in
            #expect(try reader.passwordHistory(account: "jan", limit: 10) == ["h6", "h5", "h4"])
            #expect(try reader.passwordHistory(account: "jan", limit: 2) == ["h6", "h5"])
            #expect(try reader.passwordHistory(account: "piet", limit: 10) == ["p1"])
        }
    }

    @Test(arguments: StoreBackend.available)
    func exportRecordsAndStampsReadBack(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.seed()
        try subject.store.write { writer in
            var jan = try #require(try writer.account(named: "jan"))
            jan.locked = true
            try writer.update(jan)
            try writer.setExportStamp(ExportStamp(host: "a", path: "/etc/x", identity: "i1", settings: "s1"))
            try writer.setExportStamp(
                ExportStamp(host: "a", path: "/etc/x", identity: "i2", settings: "s2", writtenAt: Self.t0))
            // Another host's stamp of the same path is its own.
            try writer.setExportStamp(ExportStamp(host: "b", path: "/etc/x", identity: "i3", settings: "s3"))
        }
        try subject.store.read { (reader: any StoreReading) throws in
            var records: [ExportRecord] = []
            try reader.forEachExportRecord(kind: .ftp) { records.append($0) }
            #expect(records.map(\.name) == ["jan"])
            #expect(records.first?.locked == true)
            #expect(records.first?.customerID == "acme")
            #expect(
                try reader.exportStamp(host: "a", path: "/etc/x")
                    == ExportStamp(host: "a", path: "/etc/x", identity: "i2", settings: "s2", writtenAt: Self.t0))
            #expect(try reader.exportStamp(host: "b", path: "/etc/x")?.identity == "i3")
            #expect(try reader.exportStamp(host: "a", path: "/etc/y") == nil)
            #expect(try reader.exportStamp(host: "c", path: "/etc/x") == nil)
            #expect(try reader.exportStamps().map { "\($0.host) \($0.identity)" } == ["a i2", "b i3"])
        }
    }

    // MARK: Logins

    @Test(arguments: StoreBackend.available)
    func loginEventsAndFailureTimesFilterAsAsked(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.seed()
        try subject.store.write { writer in
            try writer.insert(Self.event("jan", .success, at: 0))
            try writer.insert(Self.event("jan", .failure, at: 10))
            try writer.insert(Self.event("jan", .failure, at: 20, from: "198.51.100.7"))
            try writer.insert(Self.event("piet", .locked, at: 30, from: "198.51.100.7"))
            try writer.insert(Self.event("ghost", .unknownUser, at: 40, from: nil))
        }
        try subject.store.read { (reader: any StoreReading) throws in
            #expect(try reader.loginEvents(account: nil, since: nil, failedOnly: false, limit: nil).count == 5)
            let newest = try reader.loginEvents(account: nil, since: nil, failedOnly: false, limit: 2)
            #expect(newest.map(\.account) == ["ghost", "piet"])
            #expect(newest.last?.source == "198.51.100.7")
            #expect(newest.last?.sourceDigest == "d.198.51.100.7")
            #expect(newest.first?.source == nil)
            #expect(try reader.loginEvents(account: "jan", since: nil, failedOnly: true, limit: nil).count == 2)
            #expect(
                try reader.loginEvents(account: nil, since: Self.t0.addingTimeInterval(25), failedOnly: false, limit: nil)
                    .count == 2)
            #expect(
                try reader.failureTimes(account: "jan", sourceDigest: nil, since: Self.t0)
                    == [Self.t0.addingTimeInterval(20), Self.t0.addingTimeInterval(10)])
            #expect(try reader.failureTimes(account: nil, sourceDigest: "d.198.51.100.7", since: Self.t0).count == 2)
            #expect(
                try reader.failureTimes(account: nil, sourceDigest: "d.198.51.100.7", since: Self.t0.addingTimeInterval(25))
                    .count == 1)
            // Lookups go by the digest alone: the stored source (sealed by the services) is opaque.
            #expect(try reader.failureTimes(account: nil, sourceDigest: "198.51.100.7", since: Self.t0).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func countedFailuresLeaveOutRepeatsSuccessesAndLocks(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.seed()
        try subject.store.write { writer in
            try writer.insert(Self.event("piet", .failure, at: 10))
            var repeated = Self.event("piet", .failure, at: 15)
            repeated.repeated = true
            try writer.insert([repeated])
            try writer.insert(Self.event("piet", .failure, at: 20))
            try writer.insert(Self.event("jan", .failure, at: 10))
            repeated = Self.event("jan", .failure, at: 15)
            repeated.repeated = true
            try writer.insert([repeated])
            try writer.insert(Self.event("jan", .failure, at: 20, from: "198.51.100.7"))
            try writer.insert(Self.event("jan", .success, at: 25))
            try writer.insert(Self.event("jan", .locked, at: 30))
            try writer.insert(Self.event("ghost", .unknownUser, at: 40, from: "198.51.100.7"))
        }
        try subject.store.read { (reader: any StoreReading) throws in
            // The success at 25 ends jan's count: only failures recorded after it count.
            #expect(try reader.countedFailures(account: "jan", sourceDigest: nil, since: Self.t0) == 0)
            #expect(try reader.countedFailures(account: "piet", sourceDigest: nil, since: Self.t0) == 2)
            #expect(try reader.countedFailures(account: "piet", sourceDigest: nil, since: Self.t0.addingTimeInterval(12)) == 1)
            #expect(try reader.countedFailures(account: nil, sourceDigest: "d.198.51.100.7", since: Self.t0) == 2)
            // A source's count has no success to end it.
            #expect(try reader.countedFailures(account: nil, sourceDigest: "d.192.0.2.1", since: Self.t0) == 3)
            #expect(try reader.countedFailures(account: "nobody", sourceDigest: nil, since: Self.t0) == 0)
            let events = try reader.loginEvents(account: "jan", since: nil, failedOnly: true, limit: nil)
            #expect(events.map(\.repeated) == [false, false, true, false])
        }
    }

    // MARK: Hosts

    @Test(arguments: StoreBackend.available)
    func hostsAndJobRunsAreReplacedByName(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        let mx2 = HostRecord(name: "mx2", version: "0.1.0", startedAt: Self.t0, lastSeen: Self.t0, position: 7)
        try subject.store.write { writer in
            try writer.upsert(mx2)
            try writer.upsert(HostRecord(name: "mx1", version: "0.0.9", startedAt: Self.t0, lastSeen: Self.t0))
            try writer.upsert(
                HostRecord(
                    name: "mx1", version: "0.1.0", startedAt: Self.t0, lastSeen: Self.t0.addingTimeInterval(30), position: 12))
            try writer.setJobRun(JobRun(job: "prune", host: "mx1", startedAt: Self.t0))
            try writer.setJobRun(
                JobRun(
                    job: "prune", host: "mx2", startedAt: Self.t0.addingTimeInterval(60),
                    finishedAt: Self.t0.addingTimeInterval(61), outcome: "ok"))
            try writer.setJobRun(JobRun(job: "report", host: "mx1", startedAt: Self.t0))
        }
        try subject.store.read { (reader: any StoreReading) throws in
            #expect(
                try reader.hosts() == [
                    HostRecord(
                        name: "mx1", version: "0.1.0", startedAt: Self.t0, lastSeen: Self.t0.addingTimeInterval(30),
                        position: 12),
                    mx2,
                ])
            #expect(
                try reader.jobRuns() == [
                    JobRun(
                        job: "prune", host: "mx2", startedAt: Self.t0.addingTimeInterval(60),
                        finishedAt: Self.t0.addingTimeInterval(61), outcome: "ok"),
                    JobRun(job: "report", host: "mx1", startedAt: Self.t0),
                ])
        }
    }

    @Test(arguments: StoreBackend.available)
    func auditEntriesAfterASequenceAreFilteredByAction(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.store.write { writer in
            for (action, target) in [("account.add", "a"), ("export", "/x"), ("passwd", "b"), ("lock", "c"), ("reset", "d")] {
                _ = try AuditChain.append(to: writer, time: Self.t0, actor: "t", action: action, target: target)
            }
        }
        try subject.store.read { (reader: any StoreReading) throws in
            let actions: Set = ["account.add", "passwd", "lock", "reset"]
            #expect(try reader.auditEntries(after: 0, actions: actions, limit: 10).map(\.target) == ["a", "b", "c", "d"])
            #expect(try reader.auditEntries(after: 1, actions: actions, limit: 2).map(\.target) == ["b", "c"])
            #expect(try reader.auditEntries(after: 5, actions: actions, limit: 10).isEmpty)
            #expect(try reader.auditEntries(after: 0, actions: [], limit: 10).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func loginSourcesAreWalkedReplacedAndDroppedKeepingTheirDigest(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.seed()
        try subject.store.write { writer in
            try writer.insert(Self.event("jan", .failure, at: 10, from: "198.51.100.7"))
            try writer.insert(Self.event("jan", .failure, at: 20, from: nil))
            try writer.insert(Self.event("piet", .failure, at: 30, from: "203.0.113.9"))
        }
        let walked = try subject.store.read { try $0.loginEventsWithSource(afterID: 0, limit: 10) }
        #expect(walked.map(\.source) == ["198.51.100.7", "203.0.113.9"])
        let first = try #require(walked.first?.id)
        #expect(try subject.store.read { try $0.loginEventsWithSource(afterID: first, limit: 10) }.map(\.account) == ["piet"])
        #expect(try subject.store.read { try $0.loginEventsWithSource(afterID: 0, limit: 1) }.count == 1)
        try subject.store.write { try $0.updateLoginSource(id: first, source: "sealed", sourceDigest: "d.new") }
        try subject.store.read { (reader: any StoreReading) throws in
            let jan = try reader.loginEvents(account: "jan", since: nil, failedOnly: false, limit: nil).last
            #expect(jan?.source == "sealed" && jan?.sourceDigest == "d.new")
            #expect(try reader.failureTimes(account: nil, sourceDigest: "d.new", since: Self.t0).count == 1)
        }
        #expect(try subject.store.write { try $0.dropLoginSources(before: Self.t0.addingTimeInterval(25)) } == 1)
        try subject.store.read { (reader: any StoreReading) throws in
            let events = try reader.loginEvents(account: nil, since: nil, failedOnly: false, limit: nil)
            #expect(events.map(\.source) == ["203.0.113.9", nil, nil])
            #expect(events.map(\.sourceDigest) == ["d.203.0.113.9", nil, "d.new"])
            #expect(try reader.failureTimes(account: nil, sourceDigest: "d.new", since: Self.t0).count == 1)
        }
    }

    @Test(arguments: StoreBackend.available)
    func anErasedCustomerLeavesNoRowAndAHeldOneKeepsOnlyWhatIsGiven(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.seed()
        try subject.store.write { writer in
            try writer.appendHistory(account: "jan", hash: "$y$j9T$salt$old", setAt: Self.t0, keep: 5)
            try writer.insert(Self.event("jan", .failure, at: 10, from: "198.51.100.7"))
            try writer.insert(Self.event("piet", .failure, at: 20))
            try writer.insert(Site(domain: "acme.nl", customerID: "acme", createdAt: Self.t0))
            try writer.insert(SiteEndpoint(connect: "192.0.2.1:443"), domain: "acme.nl")
            try writer.insert(
                SiteCheckResult(
                    stored: "acme.nl", endpoint: nil, starttls: nil, verdict: .ok, problems: [], checkedAt: Self.t0, notAfter: nil
                ))
        }
        let held = Customer(
            id: "acme", name: "Acme", company: "Acme BV", createdAt: Self.t0, address: "Kanaalweg 1",
            heldUntil: Self.t0.addingTimeInterval(86_400))
        let erased = try subject.store.write { try $0.eraseCustomer(id: "acme", keeping: held) }
        #expect(erased == CustomerErasure(accounts: 2, loginEvents: 1, sites: 1, siteChecks: 1))
        try subject.store.read { (reader: any StoreReading) throws in
            #expect(try reader.customer(id: "acme") == held)
            #expect(try reader.accounts(kind: nil, customerID: "acme").isEmpty)
            #expect(try reader.passwordHistory(account: "jan", limit: 5).isEmpty)
            #expect(try reader.loginEvents(account: nil, since: nil, failedOnly: false, limit: nil).map(\.account) == ["piet"])
            #expect(try reader.sites(customerID: nil).isEmpty)
            #expect(try reader.latestSiteChecks()?.isEmpty ?? true)
        }
        try subject.store.read { (reader: any StoreReading) throws in
            let listed = try reader.heldCustomers(limit: 10)
            #expect(listed.total == 1)
            #expect(listed.customers == [held])
            #expect(try reader.heldCustomers(limit: 0).total == 1)
            #expect(try reader.heldCustomers(limit: 0).customers.isEmpty)
        }
        #expect(try subject.store.write { try $0.deleteHeldCustomers(before: Self.t0) }.isEmpty)
        #expect(try subject.store.write { try $0.deleteHeldCustomers(before: Self.t0.addingTimeInterval(86_401)) } == ["acme"])
        #expect(try subject.store.read { try $0.customers().map(\.id) } == ["bakker"])
        #expect(try subject.store.read { try $0.heldCustomers(limit: 10).total } == 0)
        let gone = try subject.store.write { try $0.eraseCustomer(id: "bakker", keeping: nil) }
        #expect(gone.accounts == 1)
        #expect(try subject.store.read { try $0.customers() }.isEmpty)
    }

    @Test(arguments: StoreBackend.available)
    func anAuditEntrysPersonalPartsCanBeReplacedKeepingItsDigest(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.store.write { writer in
            try AuditChain.append(to: writer, time: Self.t0, actor: "root", action: "customer.add", target: "acme")
            try AuditChain.append(to: writer, time: Self.t0, actor: "root", action: "customer.add", target: "bakker")
        }
        let before = try subject.store.read { try $0.auditEntries() }
        #expect(before.allSatisfy { $0.personalDigest != nil })
        #expect(try subject.store.write { try $0.eraseAuditParts(sequences: [1], marker: "(erased)") } == 1)
        let after = try subject.store.read { try $0.auditEntries() }
        #expect(after[0].target == "(erased)" && after[0].detail == "(erased)")
        #expect(after[0].personalDigest == before[0].personalDigest && after[0].hash == before[0].hash)
        #expect(after[1] == before[1])
    }

    // MARK: Audit

    @Test(arguments: StoreBackend.available)
    func theAuditTrailReadsBackInOrderAndPrunesToACheckpoint(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.store.write { writer in
            for index in 0..<5 {
                _ = try AuditChain.append(
                    to: writer, time: Self.t0.addingTimeInterval(Double(index) * 86_400), actor: "t",
                    action: index == 4 ? "lock" : "passwd", target: "a\(index)")
            }
        }
        try subject.store.read { (reader: any StoreReading) throws in
            let entries = try reader.auditEntries()
            #expect(entries.map(\.sequence) == [1, 2, 3, 4, 5])
            #expect(try reader.lastAuditEntry()?.sequence == 5)
            let recent = try reader.auditEntries(from: Self.t0.addingTimeInterval(2 * 86_400), limit: 2)
            #expect(recent.total == 3)
            #expect(recent.entries.map(\.sequence) == [3, 4])
            #expect(recent.counts == ["passwd": 2, "lock": 1])
            #expect(try reader.auditCheckpoint() == nil)
        }
        let head = try subject.store.read { try $0.auditEntries() }[1]
        let checkpoint = AuditCheckpoint(sequence: head.sequence, hash: head.hash, time: head.time, createdAt: Self.t0)
        let removed = try subject.store.write { try $0.pruneAudit(through: checkpoint) }
        #expect(removed == 2)
        try subject.store.read { (reader: any StoreReading) throws in
            #expect(try reader.auditCheckpoint() == checkpoint)
            #expect(try reader.auditEntries().map(\.sequence) == [3, 4, 5])
            #expect(try reader.auditEntries().first?.previousHash == checkpoint.hash)
        }
    }

    // MARK: Sites

    @Test(arguments: StoreBackend.available)
    func sitesAndTheirLatestChecksReadBack(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.seed()
        try subject.store.write { writer in
            try writer.insert(Site(domain: "acme.nl", customerID: "acme", createdAt: Self.t0))
            try writer.insert(SiteEndpoint(connect: "192.0.2.10:993"), domain: "acme.nl")
            try writer.insert(SiteEndpoint(connect: "192.0.2.10:143", starttls: "imap"), domain: "acme.nl")
            try writer.insert(Site(domain: "bakker.nl", customerID: "bakker", createdAt: Self.t0))
            try writer.insert(
                SiteCheckResult(
                    stored: "acme.nl", endpoint: nil, starttls: nil, verdict: .critical,
                    problems: [Problem(.expired, "The certificate expired.", source: .served)], checkedAt: Self.t0,
                    notAfter: nil))
            try writer.insert(
                SiteCheckResult(
                    stored: "acme.nl", endpoint: nil, starttls: nil, verdict: .ok, problems: [],
                    checkedAt: Self.t0.addingTimeInterval(60), notAfter: Self.t0.addingTimeInterval(86_400 * 90)))
        }
        try subject.store.read { (reader: any StoreReading) throws in
            #expect(
                try reader.site(domain: "acme.nl")?.endpoints.map(\.connect).sorted() == ["192.0.2.10:143", "192.0.2.10:993"])
            #expect(try reader.site(domain: "acme.nl")?.endpoints.first { $0.connect.hasSuffix(":143") }?.starttls == "imap")
            #expect(try reader.sites(customerID: nil).map(\.domain) == ["acme.nl", "bakker.nl"])
            #expect(try reader.sites(customerID: "bakker").map(\.domain) == ["bakker.nl"])
            let latest = Dictionary(uniqueKeysWithValues: (try reader.latestSiteChecks() ?? []).map { ($0.domain, $0) })
            #expect(latest["acme.nl"]?.check?.verdict == .ok)
            #expect(latest["acme.nl"]?.check?.notAfter == Self.t0.addingTimeInterval(86_400 * 90))
            #expect(latest["acme.nl"]?.customerID == "acme")
            #expect(latest["bakker.nl"] != nil && latest["bakker.nl"]?.check == nil)
        }
        #expect(try subject.store.write { try $0.deleteEndpoint(domain: "acme.nl", connect: "192.0.2.10:993") })
        #expect(try subject.store.write { try $0.deleteEndpoint(domain: "acme.nl", connect: "192.0.2.10:993") } == false)
        #expect(try subject.store.read { try $0.site(domain: "acme.nl") }?.endpoints.count == 1)
        try subject.store.write { try $0.deleteSite(domain: "bakker.nl") }
        #expect(try subject.store.read { try $0.site(domain: "bakker.nl") } == nil)
    }

    // MARK: Report aggregates

    @Test(arguments: StoreBackend.available)
    func reportQueriesAggregateInTheStore(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.seed()
        try subject.store.write { writer in
            var jan = try #require(try writer.account(named: "jan"))
            jan.mustChange = true
            try writer.update(jan)
            var piet = try #require(try writer.account(named: "piet"))
            piet.locked = true
            try writer.update(piet)
            try writer.insert(Self.event("info@acme.nl", .success, at: 0))
            for offset in stride(from: 10.0, through: 50, by: 10) {
                try writer.insert(Self.event("info@acme.nl", .failure, at: offset, from: "198.51.100.7"))
            }
            try writer.insert(Self.event("admin", .unknownUser, at: 86_400, from: "198.51.100.7"))
            try writer.insert(Self.event("admin", .unknownUser, at: 86_401, from: "203.0.113.9"))
            try writer.insert(Self.event("root", .unknownUser, at: 86_402, from: "203.0.113.9"))
        }
        let end = Self.t0.addingTimeInterval(2 * 86_400)
        try subject.store.read { (reader: any StoreReading) throws in
            let days = try reader.loginsPerDay(from: Self.t0, to: end)
            #expect(days.map(\.logins).reduce(0, +) == 1)
            #expect(days.map(\.failed).reduce(0, +) == 8)
            let sources = try reader.failedSources(from: Self.t0, to: end, minimum: 2, limit: 10, accountsPerSource: 1)
            #expect(sources.total == 2)
            #expect(sources.sources.first?.source == "198.51.100.7")
            #expect(sources.sources.first?.attempts == 6)
            #expect(sources.sources.first?.accounts.count == 1)
            let failures = try reader.failures(of: ["info@acme.nl", "jan"], from: Self.t0, to: end, sourcesPerAccount: 3)
            #expect(failures["info@acme.nl"]?.attempts == 5)
            // Grouped by digest, each group shown by one stored source of the account.
            #expect(failures["info@acme.nl"]?.sources.map(\.name) == ["198.51.100.7"])
            #expect(failures["jan"] == nil || failures["jan"]?.attempts == 0)
            let unknown = try reader.unknownUsers(from: Self.t0, to: end, minimum: 2)
            #expect(unknown.totals.attempts == 3)
            #expect(unknown.totals.names == 2)
            #expect(unknown.names.map(\.name) == ["admin"])
            #expect(unknown.names.first?.sources == 2)
            #expect(try reader.accounts(matching: .mustChange, limit: 10).rows.map(\.account.name) == ["jan"])
            let locked = try reader.accounts(matching: .locked(at: Self.t0), limit: 10)
            #expect(locked.total == 1)
            #expect(locked.rows.first?.customerName == "Bakker")
            var all: [String] = []
            try reader.forEachAccount { all.append($0.account.name) }
            #expect(Set(all) == ["info@acme.nl", "jan", "piet"])
        }
    }

    // MARK: Retention

    @Test(arguments: StoreBackend.available)
    func retentionRemovesWhatIsOlderThanItsCutoffAndLogsIt(backend: StoreBackend) throws {
        let subject = try Subject(backend)
        defer { subject.remove() }
        try subject.seed()
        try subject.store.write { writer in
            try writer.insert(Self.event("jan", .failure, at: 0))
            try writer.insert(Self.event("jan", .failure, at: 200))
            try writer.insert(Site(domain: "acme.nl", customerID: "acme", createdAt: Self.t0))
            try writer.insert(
                SiteCheckResult(
                    stored: "acme.nl", endpoint: nil, starttls: nil, verdict: .ok, problems: [], checkedAt: Self.t0, notAfter: nil
                ))
            for index in 1...4 {
                try writer.appendHistory(
                    account: "jan", hash: "h\(index)", setAt: Self.t0.addingTimeInterval(Double(index) * 100), keep: 10)
            }
        }
        let cutoff = Self.t0.addingTimeInterval(100)
        let counts = try subject.store.write { writer in
            let events = try writer.deleteLoginEvents(before: cutoff)
            let checks = try writer.deleteSiteChecks(before: cutoff)
            let history = try writer.deletePasswordHistory(before: Self.t0.addingTimeInterval(250), keep: 1)
            try writer.recordRetention(time: cutoff, record: .loginEvents, removed: events, cutoff: cutoff)
            return (events, checks, history)
        }
        #expect(counts.0 == 1)
        #expect(counts.1 == 1)
        // Before the cutoff (h1, h2) or beyond the newest one kept (h3).
        #expect(counts.2 == 3)
        try subject.store.read { (reader: any StoreReading) throws in
            #expect(try reader.loginEvents(account: "jan", since: nil, failedOnly: false, limit: nil).count == 1)
            #expect(try reader.passwordHistory(account: "jan", limit: 10) == ["h4"])
            let log = try reader.retentionRemovals(from: Self.t0, to: Self.t0.addingTimeInterval(1000))
            #expect(log.runs == 1)
            #expect(log.removed[.loginEvents] == 1)
        }
    }
}
