import Foundation
import Testing

@testable import WachterCore

struct SQLiteStoreTests {
    @Test func anEmptyFileGetsEveryMigration() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/new/w.sqlite", create: true)
        #expect(try store.appliedMigrations() == SQLiteStore.migrationNames)
        #expect(SQLiteStore.migrationNames.first == "v1-accounts")
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path + "/new/w.sqlite")
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        let directoryAttributes = try FileManager.default.attributesOfItem(atPath: directory.path + "/new")
        #expect(directoryAttributes[.posixPermissions] as? Int == 0o700)
    }

    @Test func reopeningAnExistingStoreKeepsItsData() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/w.sqlite"
        do {
            let store = try SQLiteStore(path: path, create: true)
            try store.write { try $0.insert(Customer(id: "c1", name: "One", createdAt: Date())) }
        }
        let again = try SQLiteStore(path: path)
        #expect(try again.appliedMigrations() == SQLiteStore.migrationNames)
        #expect(try again.read { try $0.customers() }.map(\.id) == ["c1"])
    }

    @Test func anOlderStoreIsUpgradedAndKeepsItsData() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/w.sqlite"
        do {
            let old = try SQLiteStore(path: path, create: true, migrateUpTo: "v1-accounts")
            #expect(try old.appliedMigrations() == ["v1-accounts"])
        }
        // Rows as the first schema wrote them: a customer, and a login event with a plain source.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [
            path,
            "INSERT INTO customer (id, name, created_at) VALUES ('c1', 'One', 0); "
                + "INSERT INTO login_event (time, account, service, source, result) VALUES (5, 'jan', 'imap', '192.0.2.1', 'failure');",
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let upgraded = try SQLiteStore(path: path)
        #expect(try upgraded.appliedMigrations() == SQLiteStore.migrationNames)
        #expect(try upgraded.read { try $0.customers() }.map(\.id) == ["c1"])
        // v8-login-source-digest: an old plain source is its own digest until `key rotate` seals it.
        #expect(
            try upgraded.read { try $0.failureTimes(account: nil, sourceDigest: "192.0.2.1", since: .distantPast) }.count == 1)
    }

    @Test func aMissingStoreIsNotCreatedUnasked() throws {
        let directory = try TemporaryDirectory()
        #expect {
            _ = try SQLiteStore(path: directory.path + "/none.sqlite")
        } throws: { ($0 as? WachterError)?.code == .storeMissing }
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/none.sqlite"))
    }

    @Test func aStoreOthersCanReadIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/w.sqlite"
        _ = try SQLiteStore(path: path, create: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect {
            _ = try SQLiteStore(path: path)
        } throws: { error in
            guard let error = error as? WachterError else { return false }
            return error.code == .storeInsecure && error.message.contains("chmod 600")
        }
    }

    @Test func aDirectoryOthersCanChangeIsRefused() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.path)
        #expect {
            _ = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        } throws: { ($0 as? WachterError)?.code == .storeInsecure }
    }

    @Test func aFailedWriteChangesNothing() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try store.write { writer in
                try writer.insert(Customer(id: "c1", name: "One", createdAt: Date()))
                throw Stop()
            }
        }
        #expect(try store.read { try $0.customers() }.isEmpty)
    }

    @Test func aDuplicateKeyIsAlreadyExists() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        try store.write { try $0.insert(Customer(id: "c1", name: "One", createdAt: Date())) }
        #expect {
            try store.write { try $0.insert(Customer(id: "c1", name: "Two", createdAt: Date())) }
        } throws: { ($0 as? WachterError)?.code == .alreadyExists }
    }

    @Test func historyIsTrimmedToTheNewestEntries() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path + "/w.sqlite", create: true)
        let now = Date()
        try store.write { writer in
            try writer.insert(Customer(id: "c1", name: "One", createdAt: now))
            try writer.insert(Account(name: "jan", kind: .ftp, customerID: "c1", hash: "h0", passwordSetAt: now, createdAt: now))
            for index in 1...6 { try writer.appendHistory(account: "jan", hash: "h\(index)", setAt: now, keep: 3) }
        }
        #expect(try store.read { try $0.passwordHistory(account: "jan", limit: 10) } == ["h6", "h5", "h4"])
    }
}
