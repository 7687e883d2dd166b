import Foundation
import Testing
import WachterTestSupport

@testable import WachterCore

struct PgPassTests {
    func file(_ text: String, mode: Int = 0o600) throws -> (directory: String, path: String) {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/pgpass"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return (directory, path)
    }

    @Test func theFirstMatchingLineWinsAndEscapesAreUndone() throws {
        let (directory, path) = try file(
            """
            # comment
            other:5432:*:wachter:wrong
            db1:5432:creds:wachter:pa\\:ss\\\\word
            *:*:*:*:fallback
            """)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let location = try PostgresLocation("postgresql://wachter@db1,db2/creds?passfile=\(path)")
        #expect(try PgPass.password(for: location, server: location.servers[0]) == "pa:ss\\word")
        #expect(try PgPass.password(for: location, server: location.servers[1]) == "fallback")
    }

    @Test func aSocketMatchesLocalhost() throws {
        let (directory, path) = try file("localhost:5432:*:wachter:local\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let location = try PostgresLocation("postgresql://wachter@/w?host=/run/postgresql&passfile=\(path)")
        #expect(try PgPass.password(for: location, server: location.servers[0]) == "local")
    }

    @Test func aFileOthersCanReadIsRefused() throws {
        let (directory, path) = try file("*:*:*:*:secret\n", mode: 0o644)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let location = try PostgresLocation("postgresql://wachter@db/w?passfile=\(path)")
        #expect(throws: WachterError.self) { try PgPass.password(for: location, server: location.servers[0]) }
        do {
            _ = try PgPass.password(for: location, server: location.servers[0])
        } catch {
            #expect(error.code == .storeInsecure)
            #expect(error.message.contains("chmod 600"))
        }
    }

    @Test func aMissingNamedFileIsAnErrorButAMissingDefaultIsNot() throws {
        let location = try PostgresLocation("postgresql://wachter@db/w?passfile=/nonexistent/pgpass")
        #expect(throws: WachterError.self) { try PgPass.password(for: location, server: location.servers[0]) }
        let plain = try PostgresLocation("postgresql://wachter@db/w")
        #expect(try PgPass.password(for: plain, server: plain.servers[0], environment: ["HOME": "/nonexistent"]) == nil)
    }
}
