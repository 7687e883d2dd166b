import Foundation
import Testing
import WachterCore

struct BreachedPasswordFileTests {
    /// Writes a sorted HIBP-style file of the given passwords plus filler hashes.
    static func makeFile(_ entries: [(String, Int)], filler: Int, lineEnding: String = "\n") throws -> URL {
        var lines: [String] = entries.map { entry in
            String(decoding: BreachedPasswordFile.sha1Hex(Array(entry.0.utf8)), as: UTF8.self) + ":\(entry.1)"
        }
        for index in 0..<filler {
            let hex = String(decoding: BreachedPasswordFile.sha1Hex(Array("filler-\(index)".utf8)), as: UTF8.self)
            lines.append(hex + ":\(index % 1000 + 1)")
        }
        lines.sort()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("breached-\(UUID()).txt")
        try (lines.joined(separator: lineEnding) + lineEnding).write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test(arguments: ["\n", "\r\n"])
    func findsEveryListedPasswordAndNoOther(lineEnding: String) throws {
        let listed = [("password", 9_545_824), ("letmein", 40_000), ("Bakkerij2024!", 2), ("wachtwoord", 7)]
        let url = try Self.makeFile(listed, filler: 5000, lineEnding: lineEnding)
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try BreachedPasswordFile(path: url.path)
        for (password, count) in listed {
            #expect(try file.count(of: Array(password.utf8)) == count)
        }
        for index in stride(from: 0, to: 5000, by: 97) {
            #expect(try file.count(of: Array("filler-\(index)".utf8)) == index % 1000 + 1)
        }
        for password in ["not listed", "Password", "", "zzzz"] {
            #expect(try file.count(of: Array(password.utf8)) == 0)
        }
    }

    @Test func handlesTinyFiles() throws {
        let one = try Self.makeFile([("only", 3)], filler: 0)
        defer { try? FileManager.default.removeItem(at: one) }
        #expect(try BreachedPasswordFile(path: one.path).count(of: Array("only".utf8)) == 3)
        #expect(try BreachedPasswordFile(path: one.path).count(of: Array("other".utf8)) == 0)
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID()).txt")
        try "".write(to: empty, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(try BreachedPasswordFile(path: empty.path).count(of: Array("x".utf8)) == 0)
    }

    @Test func hashIsUpperCaseSha1() {
        #expect(
            String(decoding: BreachedPasswordFile.sha1Hex(Array("password".utf8)), as: UTF8.self)
                == "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8")
    }

    @Test func missingFileThrows() {
        #expect(throws: WachterError.self) { try BreachedPasswordFile(path: "/nonexistent/pwned.txt") }
    }
}
