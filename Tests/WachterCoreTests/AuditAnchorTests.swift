import Foundation
import InMemoryLogging
import Logging
import Testing
import WachterCore

struct AuditAnchorTests {
    static func head(_ sequence: Int64) -> AuditHead {
        AuditHead(sequence: sequence, hash: String(repeating: String(sequence % 10), count: 64))
    }

    static func service(_ store: SQLiteStore, logs: InMemoryLogHandler = InMemoryLogHandler()) throws -> WachterServices {
        var handler = logs
        handler.logLevel = .trace
        return WachterServices(
            context: ServiceContext(
                store: store, hasher: try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 1)),
                clock: FixedClock(Date(timeIntervalSince1970: 1_800_000_000)), actor: "tester",
                logger: Logger(label: "test") { _ in handler }))
    }

    @Test func aMissingFileRecordsNoHeadAndTheFirstMoveCreatesItPrivate() throws {
        let directory = try TemporaryDirectory()
        let anchor = AuditAnchorFile(path: directory.path + "/a.audit-head")
        #expect(try anchor.head() == nil)
        #expect(try anchor.advance(to: Self.head(3)) { _ in true } == .advanced)
        #expect(try anchor.head() == Self.head(3))
        let attributes = try FileManager.default.attributesOfItem(atPath: anchor.path)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        #expect(
            try String(contentsOfFile: anchor.path, encoding: .utf8)
                == "audit-head sequence=3 hash=\(String(repeating: "3", count: 64))\n")
        #expect(!FileManager.default.fileExists(atPath: anchor.path + ".tmp"))
    }

    @Test func theAnchorOnlyMovesForward() throws {
        let directory = try TemporaryDirectory()
        let anchor = AuditAnchorFile(path: directory.path + "/a.audit-head")
        try anchor.advance(to: Self.head(5)) { _ in true }
        #expect(try anchor.advance(to: Self.head(4)) { _ in true } == .alreadyAhead)
        #expect(try anchor.advance(to: Self.head(5)) { _ in true } == .alreadyAhead)
        #expect(try anchor.head() == Self.head(5))
        try anchor.reset(to: .genesis)
        #expect(try anchor.head() == .genesis)
    }

    @Test func anAnchorWhoseEntryTheTrailLostStaysWhereItIs() throws {
        let directory = try TemporaryDirectory()
        let anchor = AuditAnchorFile(path: directory.path + "/a.audit-head")
        try anchor.advance(to: Self.head(5)) { _ in true }
        var asked: AuditHead?
        let outcome = try anchor.advance(to: Self.head(9)) { anchored in
            asked = anchored
            return false
        }
        #expect(outcome == .refused(anchored: Self.head(5)))
        #expect(asked == Self.head(5))
        #expect(try anchor.head() == Self.head(5))
    }

    @Test func manyWritersAtOnceLeaveTheHighestHead() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/a.audit-head"
        let order = (1...200).map { Int64($0) }.shuffled()
        DispatchQueue.concurrentPerform(iterations: order.count) { index in
            // Each writer opens the file itself, as separate processes do.
            _ = try? AuditAnchorFile(path: path).advance(to: Self.head(order[index])) { _ in true }
        }
        #expect(try AuditAnchorFile(path: path).head() == Self.head(200))
    }

    @Test func anAnchorOthersCanReadIsRefused() throws {
        let directory = try TemporaryDirectory()
        let anchor = AuditAnchorFile(path: directory.path + "/a.audit-head")
        try anchor.advance(to: Self.head(1)) { _ in true }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: anchor.path)
        #expect(throws: WachterError.self) { try anchor.head() }
        let error = try #require(throws: WachterError.self) { try anchor.head() }
        #expect(error.code == .storeInsecure)
        #expect(error.message.contains("chmod 600"))
    }

    @Test(arguments: [
        "audit-head sequence=3\n", "audit-head sequence=x hash=\(String(repeating: "a", count: 64))\n",
        "audit-head sequence=3 hash=\(String(repeating: "A", count: 64))\n",
        "audit-head sequence=3 hash=\(String(repeating: "a", count: 64))", "hello\n",
    ])
    func aFileWachterDidNotWriteIsRefused(contents: String) throws {
        let directory = try TemporaryDirectory()
        let anchor = AuditAnchorFile(path: directory.path + "/a.audit-head")
        #expect(
            FileManager.default.createFile(
                atPath: anchor.path, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600]))
        let error = try #require(throws: WachterError.self) { try anchor.head() }
        #expect(error.code == .auditBroken)
    }

    @Test func aTrailThatEndsBeforeTheAnchorIsCut() throws {
        let entries = try AuditChainTests.chain(5)
        let anchored = AuditHead(sequence: 5, hash: entries[4].hash)
        #expect(AuditChain.verify(entries, checkpoint: nil, anchor: anchored) == .intact(count: 5))
        #expect(
            AuditChain.verify(Array(entries.prefix(3)), checkpoint: nil, anchor: anchored)
                == .broken(
                    sequence: 4,
                    reason:
                        "the newest entries were cut off: entries after 3 are missing; the anchor records entry 5 with hash \(anchored.hash) as the trail's head"
                ))
        guard case .broken(let sequence, _) = AuditChain.verify([], checkpoint: nil, anchor: anchored) else {
            Issue.record("an emptied trail went unnoticed")
            return
        }
        #expect(sequence == 1)
    }

    @Test func aLaggingAnchorVerifiesAndAnotherEntryInItsPlaceDoesNot() throws {
        let entries = try AuditChainTests.chain(5)
        #expect(
            AuditChain.verify(entries, checkpoint: nil, anchor: AuditHead(sequence: 3, hash: entries[2].hash))
                == .intact(count: 5))
        #expect(AuditChain.verify(entries, checkpoint: nil, anchor: .genesis) == .intact(count: 5))
        let rewritten = AuditChain.verify(entries, checkpoint: nil, anchor: AuditHead(sequence: 3, hash: entries[3].hash))
        guard case .broken(let sequence, let reason) = rewritten else {
            Issue.record("a rewritten tail went unnoticed")
            return
        }
        #expect(sequence == 3)
        #expect(reason.contains("not the one that was written"))
    }

    @Test func aPrunedTrailChecksItsAnchorAgainstTheCheckpoint() throws {
        let entries = try AuditChainTests.chain(4)
        let checkpoint = AuditCheckpoint(sequence: 2, hash: entries[1].hash, time: entries[1].time, createdAt: Date())
        // The trail kept by a prune without its prune entry fails the chain check anyway; here
        // only the anchor's part is looked at, through `holds`.
        #expect(AuditChain.holds(AuditHead(sequence: 2, hash: entries[1].hash), hash: nil, checkpoint: checkpoint))
        #expect(AuditChain.holds(AuditHead(sequence: 1, hash: "whatever"), hash: nil, checkpoint: checkpoint))
        #expect(!AuditChain.holds(AuditHead(sequence: 2, hash: entries[0].hash), hash: nil, checkpoint: checkpoint))
        #expect(!AuditChain.holds(AuditHead(sequence: 3, hash: entries[2].hash), hash: nil, checkpoint: checkpoint))
        #expect(AuditChain.holds(AuditHead(sequence: 3, hash: entries[2].hash), hash: entries[2].hash, checkpoint: checkpoint))
        #expect(!AuditChain.holds(AuditHead(sequence: 3, hash: entries[2].hash), hash: entries[3].hash, checkpoint: nil))
        #expect(AuditChain.holds(.genesis, hash: nil, checkpoint: nil))
        #expect(!AuditChain.holds(Self.head(4), hash: nil, checkpoint: nil))
    }

    @Test func everyCommittedChangeMovesTheStoresAnchorAndARolledBackOneDoesNot() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        let anchor = AuditAnchorFile(store: store.path)
        #expect(anchor.path == directory.path + "/w.sqlite.audit-head")
        #expect(try anchor.head() == .genesis)
        let service = try Self.service(store)
        try service.customers.add(id: "c1", name: "One")
        try service.customers.add(id: "c2", name: "Two")
        let last = try #require(try service.audit.trail().last)
        #expect(try anchor.head() == AuditHead(sequence: 2, hash: last.hash))
        #expect(throws: WachterError.self) { try service.customers.add(id: "c2", name: "Two again") }
        #expect(try anchor.head()?.sequence == 2)
        #expect(try service.audit.verify() == .intact(count: 2))
    }

    @Test func aStoreAnchoredFurtherThanItsTrailReachesIsCut() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        let service = try Self.service(store)
        try service.customers.add(id: "c1", name: "One")
        // What a restored backup or a deleted row looks like from here: the anchor is ahead.
        try AuditAnchorFile(store: store.path).advance(to: Self.head(4)) { _ in true }
        guard case .broken(let sequence, let reason) = try service.audit.verify() else {
            Issue.record("a cut tail went unnoticed")
            return
        }
        #expect(sequence == 2)
        #expect(reason.contains("entries after 1 are missing"))
        // Later changes neither move the anchor past the evidence nor hide the cut.
        for id in ["c2", "c3", "c4", "c5", "c6"] { try service.customers.add(id: id, name: id) }
        #expect(try AuditAnchorFile(store: store.path).head() == Self.head(4))
        guard case .broken(let later, _) = try service.audit.verify() else {
            Issue.record("changes after a cut hid it")
            return
        }
        #expect(later == 4)
    }

    @Test func theWeeklyReportFlagsACutTail() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        try Self.service(store).customers.add(id: "c1", name: "One")
        let hasher = try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 1))
        let now = Date(timeIntervalSince1970: 1_800_000_100)
        #expect(try ReportBuilder(store: store, hasher: hasher).build(length: 7 * 86_400, at: now).audit.intact)
        try AuditAnchorFile(store: store.path).advance(to: Self.head(3)) { _ in true }
        let report = try ReportBuilder(store: store, hasher: hasher).build(length: 7 * 86_400, at: now)
        #expect(!report.audit.intact)
        #expect(report.audit.brokenAt == 2)
        #expect(report.actionsNeeded >= 1)
    }

    @Test func aStoreWithoutAnAnchorVerifiesWithAWarningAndIsAnchoredByItsNextChange() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        let logs = InMemoryLogHandler()
        let service = try Self.service(store, logs: logs)
        try service.customers.add(id: "c1", name: "One")
        try FileManager.default.removeItem(atPath: AuditAnchorFile(store: store.path).path)
        #expect(try service.audit.verify() == .intact(count: 1))
        #expect(logs.entries.contains { $0.level == .warning && "\($0.message)".contains("not anchored") })
        try service.customers.add(id: "c2", name: "Two")
        #expect(try AuditAnchorFile(store: store.path).head()?.sequence == 2)
    }

    @Test func aNewStoreReplacesTheAnchorALostStoreLeftBehind() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/w.sqlite"
        do {
            let service = try Self.service(try SQLiteStore(path: path, create: true))
            try service.customers.add(id: "c1", name: "One")
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let service = try Self.service(try SQLiteStore(path: path, create: true))
        #expect(try service.audit.verify() == .intact(count: 0))
    }
}
