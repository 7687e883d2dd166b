import Foundation
import Testing
import WachterCore
import WachterTestSupport

struct PostgresLocationTests {
    @Test func aURLWithSeveralHostsKeepsThemInOrderWithTheirPorts() throws {
        let location = try PostgresLocation(
            "postgresql://wachter@db1.example.nl:5433,db2.example.nl,[2001:db8::5]:6000/credentials?sslmode=verify-full&sslrootcert=/etc/wachter/ca.pem&connect_timeout=3"
        )
        #expect(location.servers.map(\.host) == ["db1.example.nl", "db2.example.nl", "2001:db8::5"])
        #expect(location.servers.map(\.port) == [5433, 5432, 6000])
        #expect(location.user == "wachter")
        #expect(location.database == "credentials")
        #expect(location.sslMode == .verifyFull)
        #expect(location.sslRootCert == "/etc/wachter/ca.pem")
        #expect(location.connectTimeout == 3)
        #expect(location.requireWritable)
        #expect(
            location.description == "postgresql://wachter@db1.example.nl:5433,db2.example.nl:5432,[2001:db8::5]:6000/credentials")
    }

    @Test func aSocketDirectoryComesFromTheHostParameter() throws {
        let location = try PostgresLocation(
            "postgresql://wachter@/wachter?host=/run/postgresql&port=5444&passfile=/etc/wachter/pgpass")
        #expect(location.servers == [.init(host: "/run/postgresql", port: 5444)])
        #expect(location.servers[0].isSocket)
        #expect(location.servers[0].socketPath == "/run/postgresql/.s.PGSQL.5444")
        #expect(location.passFile == "/etc/wachter/pgpass")
    }

    @Test func aPasswordInTheURLIsRefusedWithoutBeingEchoed() {
        for url in ["postgresql://wachter:Sesam-Canary-991@db/w", "postgresql://wachter@db/w?password=Sesam-Canary-991"] {
            do {
                _ = try PostgresLocation(url)
                Issue.record("accepted \(url)")
            } catch {
                #expect(error.code == .invalidInput)
                #expect(error.message.contains("pgpass"))
                #expect(!error.description.contains("Sesam-Canary-991"))
            }
        }
    }

    @Test func malformedURLsAreRefusedWithASentence() {
        let cases = [
            "postgresql://w@db:99999/x": "port",
            "postgresql://w@db/x?sslmode=allow": "sslmode",
            "postgresql://w@db/x?connect_timeout=soon": "connect_timeout",
            "postgresql://w@db/x?target_session_attrs=standby": "target_session_attrs",
            "postgresql://w@db/x?frobnicate=1": "frobnicate",
            "postgresql://w@[::1/x": "]",
        ]
        for (url, word) in cases {
            #expect(throws: WachterError.self, "\(url)") { try PostgresLocation(url) }
            do { _ = try PostgresLocation(url) } catch { #expect(error.message.contains(word), "\(url): \(error.message)") }
        }
    }

    @Test func aStoreNameIsAPathUnlessItIsAPostgresURL() throws {
        #expect(try StoreLocation("/var/lib/wachter/wachter.sqlite") == .sqlite(path: "/var/lib/wachter/wachter.sqlite"))
        #expect(try StoreLocation("postgres://w@db/x").description == "postgresql://w@db:5432/x")
        #expect(throws: WachterError.self) { try StoreLocation("") }
    }
}
