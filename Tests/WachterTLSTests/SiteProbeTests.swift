import Foundation
import Testing
import WachterCore
import WachterTLS

/// The checks of a site's certificate and key files on disk.
@Suite struct SiteProbeTests {
    private func setup() throws -> (SiteChecker, LiveServers, Endpoint) {
        let servers = try LiveServers.get()
        let checker = try SiteChecker(trust: .pemFile(servers.file("ca.pem")), timeout: .seconds(5))
        return (checker, servers, Endpoint(host: "127.0.0.1", port: servers.tlsPort))
    }

    @Test func matchingFilesThatAreServedPass() async throws {
        let (checker, servers, endpoint) = try setup()
        let result = await checker.check(
            SiteCheckRequest(
                domain: "healthy-rsa.test", connect: endpoint, certFile: servers.file("healthy-rsa.pem"),
                keyFile: servers.file("healthy-rsa.key")),
            now: Date())
        #expect(result.verdict == .ok, "\(result.problems)")
        #expect(result.disk?.sha256 == result.served?.sha256)
    }

    @Test func renewedFileThatIsNotServedIsAForgottenReload() async throws {
        let (checker, servers, endpoint) = try setup()
        let result = await checker.check(
            SiteCheckRequest(
                domain: "reload.test", connect: endpoint, certFile: servers.file("reload-new.pem"),
                keyFile: servers.file("reload-new.key")),
            now: Date())
        #expect(result.problems.map(\.code) == [.diskDiffersFromServed], "\(result.problems)")
        #expect(result.problems.first?.source == .disk)
        #expect(result.verdict == .warning)
    }

    @Test func keyOfAnotherCertificateIsAMismatch() async throws {
        let (checker, servers, endpoint) = try setup()
        let result = await checker.check(
            SiteCheckRequest(
                domain: "healthy-rsa.test", connect: endpoint, certFile: servers.file("healthy-rsa.pem"),
                keyFile: servers.file("healthy-ec.key")),
            now: Date())
        #expect(result.problems.map(\.code) == [.keyMismatch], "\(result.problems)")
        #expect(result.verdict == .critical)
    }

    @Test func missingKeyFile() async throws {
        let (checker, servers, endpoint) = try setup()
        let result = await checker.check(
            SiteCheckRequest(
                domain: "healthy-rsa.test", connect: endpoint, certFile: servers.file("healthy-rsa.pem"),
                keyFile: servers.file("no-such.key")),
            now: Date())
        #expect(result.problems.map(\.code) == [.keyFileMissing], "\(result.problems)")
    }

    @Test func keyFileWithoutAKeyIsUnreadable() async throws {
        let (checker, servers, endpoint) = try setup()
        let result = await checker.check(
            SiteCheckRequest(
                domain: "healthy-rsa.test", connect: endpoint, certFile: servers.file("healthy-rsa.pem"),
                keyFile: servers.file("healthy-rsa.crt")),
            now: Date())
        #expect(result.problems.map(\.code) == [.keyFileUnreadable], "\(result.problems)")
        #expect(result.verdict == .unknown)
    }

    @Test func missingCertificateFile() async throws {
        let (checker, servers, endpoint) = try setup()
        let result = await checker.check(
            SiteCheckRequest(domain: "healthy-rsa.test", connect: endpoint, certFile: servers.file("no-such.pem")),
            now: Date())
        #expect(result.problems.map(\.code) == [.certFileMissing], "\(result.problems)")
        #expect(result.verdict == .critical)
    }

    @Test func certificateFileThatCannotBeReadIsUnreadable() async throws {
        let (checker, servers, endpoint) = try setup()
        let result = await checker.check(
            SiteCheckRequest(domain: "healthy-rsa.test", connect: endpoint, certFile: servers.file("db")),
            now: Date())
        #expect(result.problems.map(\.code) == [.certFileUnreadable], "\(result.problems)")
    }

    @Test func certificateFileWithoutACertificateIsInvalid() async throws {
        let (checker, servers, endpoint) = try setup()
        let result = await checker.check(
            SiteCheckRequest(domain: "healthy-rsa.test", connect: endpoint, certFile: servers.file("openssl-ca.cnf")),
            now: Date())
        #expect(result.problems.map(\.code) == [.certFileInvalid], "\(result.problems)")
    }

    /// The date, name and chain checks apply to a file as they do to a server,
    /// here with nothing listening so that only the file is judged.
    @Test(arguments: [
        ("expired.pem", ProblemCode.expired),
        ("not-yet-valid.pem", .notYetValid),
        ("expires-soon.pem", .expiresSoon),
        ("wrong-name.pem", .hostnameMismatch),
        ("self-signed.pem", .selfSigned),
        ("untrusted.pem", .untrustedRoot),
        ("incomplete.pem", .incompleteChain),
        ("weak-key.pem", .weakKey),
        ("sha1.pem", .weakSignature),
    ])
    func fileChecksMatchServedChecks(file: String, expected: ProblemCode) async throws {
        let (checker, servers, _) = try setup()
        let domain = file.replacingOccurrences(of: ".pem", with: ".test").replacingOccurrences(
            of: "wrong-name", with: "elsewhere")
        let result = await checker.check(
            SiteCheckRequest(
                domain: domain, connect: Endpoint(host: "127.0.0.1", port: servers.closedPort), certFile: servers.file(file)),
            now: Date())
        #expect(result.problems.map(\.code) == [.connectionRefused, expected], "\(result.problems)")
        #expect(result.problems.last?.source == .disk)
        #expect(result.disk != nil)
    }

    /// Files alone (`--no-connect`): every on-disk problem code, with a domain that
    /// does not resolve, so that any connection attempt would show as `unresolved`.
    @Test(arguments: [
        ("healthy-rsa.pem", "healthy-rsa.key", [ProblemCode]()),
        ("no-such.pem", "healthy-rsa.key", [.certFileMissing]),
        ("db", "healthy-rsa.key", [.certFileUnreadable]),
        ("openssl-ca.cnf", "healthy-rsa.key", [.certFileInvalid]),
        ("healthy-rsa.pem", "no-such.key", [.keyFileMissing]),
        ("healthy-rsa.pem", "healthy-rsa.crt", [.keyFileUnreadable]),
        ("healthy-rsa.pem", "healthy-ec.key", [.keyMismatch]),
        ("expired.pem", "expired.key", [.hostnameMismatch, .expired]),
        ("incomplete.pem", "incomplete.key", [.hostnameMismatch, .incompleteChain]),
        ("weak-key.pem", "weak-key.key", [.hostnameMismatch, .weakKey]),
    ])
    func filesAloneWithoutAConnection(cert: String, key: String, expected: [ProblemCode]) async throws {
        let (checker, servers, _) = try setup()
        let domain =
            cert == "healthy-rsa.pem" || cert == "no-such.pem" || cert == "db" || cert == "openssl-ca.cnf"
            ? "healthy-rsa.test" : "nothing-here.invalid"
        let result = await checker.check(
            SiteCheckRequest(domain: domain, certFile: servers.file(cert), keyFile: servers.file(key), connects: false),
            now: Date())
        #expect(Set(result.problems.map(\.code)) == Set(expected), "\(result.problems)")
        #expect(result.problems.allSatisfy { $0.source == .disk })
        #expect(result.endpoint == nil)
        #expect(result.served == nil && result.protocolVersion == nil)
    }

    @Test func filesAloneOfAnUnresolvableNameMakeNoConnection() async throws {
        let (checker, servers, _) = try setup()
        let result = await checker.check(
            SiteCheckRequest(
                domain: "healthy-ec.test", connect: Endpoint(host: "nothing-here.invalid", port: 443),
                certFile: servers.file("healthy-ec.pem"), keyFile: servers.file("healthy-ec.key"), connects: false),
            now: Date())
        #expect(result.verdict == .ok, "\(result.problems)")
        #expect(result.disk?.names == ["healthy-ec.test"])
    }
}
