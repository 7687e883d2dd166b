import Foundation
import Testing
import WachterCore

struct AuditChainTests {
    static func chain(_ count: Int) throws -> [AuditEntry] {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        try store.write { writer in
            for index in 1...count {
                try AuditChain.append(
                    to: writer, time: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)), actor: "root",
                    action: "reset", target: "user\(index)")
            }
        }
        return try store.read { try $0.auditEntries() }
    }

    @Test(arguments: [("name\0x", ""), ("name", "detail\0x")])
    func anEntryThatWouldNotReadBackTheSameIsRefused(target: String, detail: String) throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        let error = #expect(throws: WachterError.self) {
            try store.write { writer in
                try AuditChain.append(
                    to: writer, time: Date(timeIntervalSince1970: 1_700_000_000), actor: "root", action: "passwd",
                    target: target, detail: detail)
            }
        }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("NUL") == true, "\(error?.message ?? "-")")
        #expect(error?.description.contains("\0") == false)
        #expect(try store.read { try $0.auditEntries() }.isEmpty)
    }

    @Test func anUntouchedChainVerifies() throws {
        let entries = try Self.chain(5)
        #expect(AuditChain.verify(entries) == .intact(count: 5))
        #expect(entries.first?.previousHash == AuditChain.genesis)
    }

    @Test func anEditedEntryBreaksTheChain() throws {
        var entries = try Self.chain(5)
        entries[2].target = "someone-else"
        #expect(AuditChain.verify(entries) == .broken(sequence: 3, reason: "entry 3 was changed after it was written"))
    }

    @Test func anEditedTimeBreaksTheChain() throws {
        var entries = try Self.chain(3)
        entries[0].time = entries[0].time.addingTimeInterval(1)
        guard case .broken(let sequence, _) = AuditChain.verify(entries) else {
            Issue.record("an edited time went unnoticed")
            return
        }
        #expect(sequence == 1)
    }

    @Test func aRemovedEntryBreaksTheChain() throws {
        var entries = try Self.chain(5)
        entries.remove(at: 1)
        guard case .broken(let sequence, let reason) = AuditChain.verify(entries) else {
            Issue.record("a removed entry went unnoticed")
            return
        }
        #expect(sequence == 2)
        #expect(reason.contains("missing"))
    }

    @Test func aRehashedForgeryStillBreaksAtTheNextEntry() throws {
        var entries = try Self.chain(4)
        entries[1].target = "forged"
        entries[1].hash = String(repeating: "a", count: 64)
        #expect(AuditChain.verify(entries) == .broken(sequence: 2, reason: "entry 2 was changed after it was written"))
    }

    static func checkpoint(after entry: AuditEntry) -> AuditCheckpoint {
        AuditCheckpoint(sequence: entry.sequence, hash: entry.hash, time: entry.time, createdAt: entry.time)
    }

    @Test func aPrunedHeadVerifiesFromItsRecordedCheckpoint() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        let entries = try store.write { writer -> [AuditEntry] in
            for index in 1...3 {
                try AuditChain.append(
                    to: writer, time: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)), actor: "root",
                    action: "reset", target: "user\(index)")
            }
            let checkpoint = Self.checkpoint(after: try writer.auditEntries()[1])
            try AuditChain.append(
                to: writer, time: Date(timeIntervalSince1970: 1_700_000_010), actor: "root", action: AuditChain.pruneAction,
                target: "retention", detail: AuditChain.checkpointRecord(checkpoint))
            return try writer.auditEntries()
        }
        let checkpoint = Self.checkpoint(after: entries[1])
        #expect(AuditChain.verify(Array(entries.dropFirst(2)), checkpoint: checkpoint) == .intact(count: 2))
        #expect(AuditChain.verify(entries) == .intact(count: 4), "the whole trail still verifies from genesis")
    }

    @Test func aCheckpointNoPruneEntryRecordsIsRefused() throws {
        let entries = try Self.chain(4)
        let checkpoint = Self.checkpoint(after: entries[1])
        guard case .broken(let sequence, let reason) = AuditChain.verify(Array(entries.dropFirst(2)), checkpoint: checkpoint)
        else {
            Issue.record("an unrecorded checkpoint was accepted")
            return
        }
        #expect(sequence == 3)
        #expect(reason.contains("no prune entry"))
    }

    @Test func entriesThatDoNotFollowTheCheckpointBreakTheChain() throws {
        let entries = try Self.chain(4)
        var checkpoint = Self.checkpoint(after: entries[1])
        checkpoint.hash = String(repeating: "f", count: 64)
        #expect(
            AuditChain.verify(Array(entries.dropFirst(2)), checkpoint: checkpoint)
                == .broken(sequence: 3, reason: "entry 3 does not follow the entry before it"))
        #expect(
            AuditChain.verify(Array(entries.dropFirst(3)), checkpoint: Self.checkpoint(after: entries[1]))
                == .broken(sequence: 3, reason: "entry 3 is missing (the next one is 4)"))
    }
}

/// A directory under the system's temporary directory, removed when released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "wachter-test-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

struct AuditChainErasureTests {
    static let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    func trail() throws -> (SQLiteStore, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        try store.write { writer in
            try AuditChain.append(to: writer, time: Self.t0, actor: "root", action: "customer.add", target: "acme")
            try AuditChain.append(
                to: writer, time: Self.t0, actor: "root", action: "account.add", target: "jan", detail: "customer=acme")
            try AuditChain.append(to: writer, time: Self.t0, actor: "root", action: "customer.add", target: "bakker")
        }
        return (store, directory)
    }

    @Test func erasedPartsRecordedByAnErasureEntryStillVerify() throws {
        let (store, directory) = try trail()
        _ = directory
        try store.write { writer in
            _ = try writer.eraseAuditParts(sequences: [1, 2], marker: AuditChain.erasedMarker)
            try AuditChain.append(
                to: writer, time: Self.t0, actor: "root", action: AuditChain.eraseAction, target: AuditChain.erasedMarker,
                detail: AuditChain.erasureRecord([1, 2]))
        }
        #expect(AuditChain.verify(try store.read { try $0.auditEntries() }) == .intact(count: 4))
    }

    @Test func partsRemovedWithoutAnErasureEntryBreakTheChain() throws {
        let (store, directory) = try trail()
        _ = directory
        try store.write { writer in _ = try writer.eraseAuditParts(sequences: [2], marker: AuditChain.erasedMarker) }
        guard case .broken(let sequence, _) = AuditChain.verify(try store.read { try $0.auditEntries() }) else {
            Issue.record("an unrecorded erasure verified")
            return
        }
        #expect(sequence == 2)
    }

    @Test func anEditedTargetIsStillFound() throws {
        let (store, directory) = try trail()
        _ = directory
        var entries = try store.read { try $0.auditEntries() }
        entries[2].target = "mallory"
        #expect(AuditChain.verify(entries) == .broken(sequence: 3, reason: "entry 3 was changed after it was written"))
    }
}
