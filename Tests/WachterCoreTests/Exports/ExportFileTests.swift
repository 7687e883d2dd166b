import Foundation
import Testing
import WachterTestSupport

@testable import WachterCore

struct ExportFileTests {
    private func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func writesTheBytesWithTheConfiguredMode() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/users"
        try ExportFile.replace(path: path, ownership: .init(uid: nil, gid: nil, mode: 0o640)) { _, write in
            try write(Array("a:b\n".utf8))
        }
        #expect(FileManager.default.contents(atPath: path) == Data("a:b\n".utf8))
        #expect(try mode(path) == 0o640)
    }

    @Test func aNewFileIsPrivateAndAnOldFileLosesItsWorldBits() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/users"
        try ExportFile.replace(path: path, ownership: .init()) { _, _ in }
        #expect(try mode(path) == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try ExportFile.replace(path: path, ownership: .init()) { _, _ in }
        #expect(try mode(path) == 0o640)
    }

    @Test func refusesASymbolicLinkAndLeavesItsTargetAlone() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let victim = directory + "/victim"
        try Data("keep\n".utf8).write(to: URL(fileURLWithPath: victim))
        try FileManager.default.createSymbolicLink(atPath: directory + "/users", withDestinationPath: victim)
        #expect(throws: WachterError.self) {
            try ExportFile.replace(path: directory + "/users", ownership: .init()) { _, write in try write(Array("x\n".utf8)) }
        }
        #expect(FileManager.default.contents(atPath: victim) == Data("keep\n".utf8))
    }

    @Test func aFailureWhileMakingTheContentsKeepsTheOldFileAndLeavesNoTemporary() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/users"
        try ExportFile.replace(path: path, ownership: .init()) { _, write in try write(Array("old\n".utf8)) }
        #expect(throws: WachterError.self) {
            try ExportFile.replace(path: path, ownership: .init()) { _, write in
                try write(Array("half a li".utf8))
                throw WachterError(.invalidName, "bad record")
            }
        }
        #expect(FileManager.default.contents(atPath: path) == Data("old\n".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["users"])
    }

    @Test func removesTemporariesAKilledExporterLeft() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stale = directory + "/" + ExportFile.temporaryPrefix(for: "users") + "dead"
        try Data("partial".utf8).write(to: URL(fileURLWithPath: stale))
        try ExportFile.replace(path: directory + "/users", ownership: .init()) { _, _ in }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["users"])
    }

    @Test func refusesADirectoryAndAMissingParent() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: false)
        #expect(throws: WachterError.self) { try ExportFile.replace(path: directory + "/sub", ownership: .init()) { _, _ in } }
        #expect(throws: WachterError.self) {
            try ExportFile.replace(path: directory + "/no/users", ownership: .init()) { _, _ in }
        }
    }

    @Test func looksUpUsersAndGroupsByNameOrNumber() throws {
        #expect(try ExportFile.userID("root") == 0)
        #expect(try ExportFile.userID("1234") == 1234)
        #expect(try ExportFile.groupID("root") == 0)
        #expect(throws: WachterError.self) { try ExportFile.userID("no-such-user-here") }
    }
}

extension ExportFileTests {
    @Test func handsTheContentsTheFileItReplacesAndReturnsTheNewIdentity() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/users"
        let first = try ExportFile.replace(path: path, ownership: .init()) { previous, write in
            #expect(previous == nil)
            try write(Array("one\n".utf8))
        }
        let second = try ExportFile.replace(path: path, ownership: .init()) { previous, write in
            let previous = try #require(previous)
            #expect(previous.identity == first.identity)
            #expect(try previous.read() == Array("one\n".utf8))
            try write(Array("two\n".utf8))
        }
        #expect(second.identity != first.identity)
    }
}
