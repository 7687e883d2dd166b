import Foundation
import Testing

@testable import WachterCore

struct KeyFileTests {
    @Test func initCreatesAKeyFileOfMode0600AndKeepsAnExistingOne() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/keys/key"
        #expect(try KeyFile.createIfMissing(path))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let first = try KeyFile.load(path)
        #expect(try !KeyFile.createIfMissing(path))
        #expect(try KeyFile.load(path).currentID == first.currentID)
    }

    @Test func aKeyFileOthersCanReadIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/key"
        try KeyFile.createIfMissing(path)
        chmod(path, 0o640)
        #expect { try KeyFile.load(path) } throws: {
            ($0 as? WachterError)?.code == .keyUnavailable && "\($0)".contains("chmod 600")
        }
    }

    @Test func aMissingKeyFileIsAClearError() throws {
        let directory = try TemporaryDirectory()
        #expect { try KeyFile.load(directory.path + "/none") } throws: {
            ($0 as? WachterError)?.code == .keyUnavailable && "\($0)".contains("wachter init")
        }
    }

    @Test func rotatedKeysReadBackInOrderWithTheNewestCurrent() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/key"
        try KeyFile.createIfMissing(path)
        let rotated = try KeyFile.load(path).adding()
        try KeyFile.save(rotated, to: path)
        let read = try KeyFile.load(path)
        #expect(read.entries.map(\.id) == rotated.entries.map(\.id))
        #expect(read.currentID == rotated.entries[1].id)
        let (kept, dropped) = read.retaining([])
        #expect(kept.entries.map(\.id) == [read.currentID])
        #expect(dropped == [rotated.entries[0].id])
    }

    @Test func aMalformedLineIsRefusedWithItsNumber() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/key"
        try FileAccess.write(Array("# keys\nnot-a-key\n".utf8), to: path, what: "key file", mode: 0o600)
        #expect { try KeyFile.load(path) } throws: { "\($0)".contains("line 2") }
    }

    @Test func theKeyFollowsItsStoreUnlessNamed() {
        #expect(KeyFile.path(store: "/tmp/x/w.sqlite", environment: [:]) == "/tmp/x/w.sqlite.key")
        #expect(KeyFile.path(store: "/tmp/x/w.sqlite", environment: ["WACHTER_KEY_FILE": "/k"]) == "/k")
        #expect(KeyFile.path(explicit: "/e", store: "/tmp/x/w.sqlite", environment: ["WACHTER_KEY_FILE": "/k"]) == "/e")
    }
}
