import Foundation
import Testing
import WachterCore
import WachterTLS

/// Mail and FTP endpoints: STARTTLS dialogues against scripts/tls/mail-server on
/// loopback, and implicit TLS.
@Suite struct StartTLSTests {
    private func checker(timeout: Duration = .seconds(5)) throws -> (SiteChecker, LiveServers) {
        let servers = try LiveServers.get()
        return (try SiteChecker(trust: .pemFile(servers.file("ca.pem")), timeout: timeout), servers)
    }

    private func request(_ servers: LiveServers, _ port: String, _ protocol: StartTLSProtocol, domain: String = "mail.test")
        -> SiteCheckRequest
    {
        SiteCheckRequest(domain: domain, connect: Endpoint(host: "127.0.0.1", port: servers.port(port)), starttls: `protocol`)
    }

    @Test(arguments: [("IMAP", StartTLSProtocol.imap), ("POP3", .pop3), ("SMTP", .smtp), ("FTP", .ftp)])
    func eachProtocolReachesTLSAndJudgesTheCertificate(port: String, protocol: StartTLSProtocol) async throws {
        let (checker, servers) = try checker()
        let healthy = await checker.check(request(servers, port, `protocol`), now: Date())
        #expect(healthy.verdict == .ok, "\(healthy.problems)")
        #expect(healthy.served?.names == ["mail.test"])
        #expect(healthy.starttls == `protocol`)
        // SNI works after STARTTLS too: the server picks the expired certificate.
        let expired = await checker.check(request(servers, port, `protocol`, domain: "expired.test"), now: Date())
        #expect(expired.problems.map(\.code) == [.expired], "\(expired.problems)")
    }

    @Test(arguments: [
        ("IMAP_NOSTARTTLS", StartTLSProtocol.imap), ("SMTP_NOSTARTTLS", .smtp), ("FTP_NOSTARTTLS", .ftp),
    ])
    func serverThatDoesNotOfferStartTLS(port: String, protocol: StartTLSProtocol) async throws {
        let (checker, servers) = try checker()
        let result = await checker.check(request(servers, port, `protocol`), now: Date())
        #expect(result.problems.map(\.code) == [.starttlsNotOffered], "\(result.problems)")
        #expect(result.verdict == .critical)
    }

    @Test(arguments: [("POP3_REFUSE", StartTLSProtocol.pop3), ("SMTP_REFUSE", .smtp)])
    func errorAnswerToStartTLS(port: String, protocol: StartTLSProtocol) async throws {
        let (checker, servers) = try checker()
        let result = await checker.check(request(servers, port, `protocol`), now: Date())
        #expect(result.problems.map(\.code) == [.starttlsRefused], "\(result.problems)")
        #expect(result.problems.first?.message.contains("454") == true || `protocol` == .pop3)
    }

    @Test func serverThatStallsAfterTheGreetingIsReportedWithinTheTimeout() async throws {
        let (checker, servers) = try checker(timeout: .seconds(1))
        let started = ContinuousClock.now
        let result = await checker.check(request(servers, "SMTP_STALL", .smtp), now: Date())
        #expect(result.problems.map(\.code) == [.starttlsStalled], "\(result.problems)")
        #expect(result.problems.first?.message.contains("EHLO") == true)
        #expect(started.duration(to: .now) < .seconds(3))
    }

    @Test func silentServerStallsBeforeTheGreeting() async throws {
        let (checker, servers) = try checker(timeout: .seconds(1))
        let result = await checker.check(
            SiteCheckRequest(
                domain: "mail.test", connect: Endpoint(host: "127.0.0.1", port: servers.silentPort), starttls: .imap),
            now: Date())
        #expect(result.problems.map(\.code) == [.starttlsStalled], "\(result.problems)")
        #expect(result.problems.first?.message.contains("greeting") == true)
    }

    @Test func startTLSAgainstATLSPortIsRefused() async throws {
        // A TLS port sends nothing until the client's hello: no greeting comes.
        let (checker, servers) = try checker(timeout: .seconds(1))
        let result = await checker.check(
            SiteCheckRequest(domain: "mail.test", connect: Endpoint(host: "127.0.0.1", port: servers.tlsPort), starttls: .smtp),
            now: Date())
        #expect(result.problems.map(\.code) == [.starttlsStalled], "\(result.problems)")
    }

    @Test func implicitTLSNeedsNoProtocol() async throws {
        // IMAPS on 993, POP3S on 995 and SMTPS on 465 start with TLS, as HTTPS does.
        let (checker, servers) = try checker()
        let result = await checker.check(
            SiteCheckRequest(domain: "mail.test", connect: Endpoint(host: "127.0.0.1", port: servers.tlsPort)), now: Date())
        #expect(result.verdict == .ok, "\(result.problems)")
        #expect(result.starttls == nil)
    }

    @Test func defaultPortsFollowTheProtocol() {
        #expect(SiteCheckRequest(domain: "mail.example.nl", starttls: .imap).endpoint.port == 143)
        #expect(SiteCheckRequest(domain: "mail.example.nl", starttls: .pop3).endpoint.port == 110)
        #expect(SiteCheckRequest(domain: "mail.example.nl", starttls: .smtp).endpoint.port == 587)
        #expect(SiteCheckRequest(domain: "mail.example.nl", starttls: .ftp).endpoint.port == 21)
        #expect(Endpoint(parsing: "mail.example.nl", defaultPort: 25) == Endpoint(host: "mail.example.nl", port: 25))
    }
}
