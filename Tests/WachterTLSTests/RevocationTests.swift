import Foundation
import Testing
import WachterCore
import WachterTLS

/// Revocation: stapled OCSP from nginx, the OCSP responder and the CRL on
/// loopback, a responder that is down or hangs, a forged and a stale response.
@Suite struct RevocationTests {
    private func checker(timeout: Duration = .seconds(5), cache: String? = nil) throws -> (SiteChecker, LiveServers) {
        let servers = try LiveServers.get()
        let checker = try SiteChecker(
            trust: .pemFile(servers.file("ca.pem")), timeout: timeout, concurrency: 8, revocationCache: cache)
        return (checker, servers)
    }

    private func request(_ servers: LiveServers, _ domain: String) -> SiteCheckRequest {
        SiteCheckRequest(domain: domain, connect: Endpoint(host: "127.0.0.1", port: servers.tlsPort))
    }

    @Test func stapledRevokedResponseIsCriticalWithTheReason() async throws {
        let (checker, servers) = try checker()
        let result = await checker.check(request(servers, "revoked-stapled.test"), now: Date())
        #expect(result.problems.map(\.code) == [.revoked], "\(result.problems)")
        #expect(result.problems.first?.message.contains("keyCompromise") == true)
        #expect(result.revocation?.source == .stapled)
        #expect(checker.revocationFetches == 0)
    }

    @Test func responderSaysRevokedWithoutAStaple() async throws {
        let (checker, servers) = try checker()
        let result = await checker.check(request(servers, "revoked.test"), now: Date())
        #expect(result.problems.map(\.code) == [.revoked], "\(result.problems)")
        #expect(result.revocation?.source == .ocsp)
        #expect(result.revocation?.reason == "keyCompromise")
        #expect(result.verdict == .critical)
    }

    @Test func goodStapleNeedsNoFetch() async throws {
        // Its responder is down: only the staple can make it good.
        let (checker, servers) = try checker()
        let result = await checker.check(request(servers, "stapled-good.test"), now: Date())
        #expect(result.verdict == .ok, "\(result.problems)")
        #expect(result.revocation == RevocationStatus(state: .good, source: .stapled, nextUpdate: result.revocation?.nextUpdate))
        #expect(checker.revocationFetches == 0)
    }

    @Test func goodResponderAnswerIsCachedUntilItsNextUpdate() async throws {
        let (checker, servers) = try checker()
        let first = await checker.check(request(servers, "ocsp-good.test"), now: Date())
        #expect(first.verdict == .ok, "\(first.problems)")
        #expect(first.revocation?.state == .good)
        #expect(first.revocation?.cached == false)
        let second = await checker.check(request(servers, "ocsp-good.test"), now: Date())
        #expect(second.revocation?.cached == true)
        #expect(checker.revocationFetches == 1)
    }

    @Test func diskCacheServesTheNextRun() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wachter-revocation-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (first, servers) = try checker(cache: directory)
        _ = await first.check([request(servers, "ocsp-good.test"), request(servers, "crl-good.test")], now: Date())
        #expect(first.revocationFetches == 2)
        let (second, _) = try checker(cache: directory)
        let results = await second.check([request(servers, "ocsp-good.test"), request(servers, "crl-good.test")], now: Date())
        #expect(results.map { $0.revocation?.cached } == [true, true])
        #expect(second.revocationFetches == 0)
    }

    @Test func crlSaysRevoked() async throws {
        let (checker, servers) = try checker()
        let result = await checker.check(request(servers, "crl-revoked.test"), now: Date())
        #expect(result.problems.map(\.code) == [.revoked], "\(result.problems)")
        #expect(result.revocation?.source == .crl)
        #expect(result.revocation?.reason == "superseded")
    }

    @Test func manyChecksOfOneCRLFetchItOnce() async throws {
        let (checker, servers) = try checker()
        let results = await checker.check(
            Array(repeating: request(servers, "crl-good.test"), count: 12) + [request(servers, "crl-revoked.test")], now: Date())
        #expect(results.dropLast().allSatisfy { $0.verdict == .ok })
        #expect(results.last?.verdict == .critical)
        #expect(checker.revocationFetches == 1)
    }

    @Test func responderThatIsDownIsASoftFail() async throws {
        let (checker, servers) = try checker()
        let result = await checker.check(request(servers, "responder-down.test"), now: Date())
        #expect(result.problems.map(\.code) == [.revocationUnchecked], "\(result.problems)")
        #expect(result.verdict == .warning)
        #expect(result.revocation?.state == .unchecked)
    }

    @Test func responderThatHangsIsASoftFailWithinTheTimeout() async throws {
        let (checker, servers) = try checker(timeout: .seconds(1))
        let started = ContinuousClock.now
        let result = await checker.check(request(servers, "responder-hung.test"), now: Date())
        #expect(result.problems.map(\.code) == [.revocationUnchecked], "\(result.problems)")
        #expect(started.duration(to: .now) < .seconds(4))
    }

    @Test func aHungResponderIsWaitedForOncePerThreadNotOncePerCertificate() async throws {
        // Eight checks on two threads: the first two wait the timeout, the rest know better.
        let servers = try LiveServers.get()
        let checker = try SiteChecker(trust: .pemFile(servers.file("ca.pem")), timeout: .seconds(1), concurrency: 2)
        let started = ContinuousClock.now
        let results = await checker.check(Array(repeating: request(servers, "responder-hung.test"), count: 8), now: Date())
        #expect(results.allSatisfy { $0.problems.map(\.code) == [.revocationUnchecked] })
        #expect(started.duration(to: .now) < .seconds(4))
    }

    @Test func responseSignedByAnotherKeyIsNotBelieved() async throws {
        let (checker, servers) = try checker()
        let result = await checker.check(request(servers, "forged-ocsp.test"), now: Date())
        #expect(result.problems.map(\.code) == [.revocationResponseInvalid], "\(result.problems)")
        #expect(result.verdict == .warning)
    }

    @Test func staleResponsesAreNotBelieved() async throws {
        // Three days ahead: the responses (a day) and the CRL (two days) are stale.
        let (checker, servers) = try checker()
        let later = Date().addingTimeInterval(3 * 86_400)
        let ocsp = await checker.check(request(servers, "ocsp-good.test"), now: later)
        #expect(ocsp.problems.map(\.code) == [.revocationResponseInvalid], "\(ocsp.problems)")
        #expect(ocsp.problems.first?.message.contains("stale") == true)
        let crl = await checker.check(request(servers, "crl-good.test"), now: later)
        #expect(crl.problems.map(\.code) == [.revocationResponseInvalid], "\(crl.problems)")
        let stapled = await checker.check(request(servers, "revoked-stapled.test"), now: later)
        #expect(!stapled.has(.revoked) || stapled.revocation?.source != .stapled)
        #expect(stapled.has(.revocationResponseInvalid))
    }

    @Test func certificatesWithoutRevocationExtensionsCostNoFetch() async throws {
        let (checker, servers) = try checker()
        let results = await checker.check(
            [request(servers, "healthy-rsa.test"), request(servers, "healthy-ec.test"), request(servers, "expired.test")],
            now: Date())
        #expect(results.allSatisfy { $0.revocation == nil })
        #expect(checker.revocationFetches == 0)
    }

    @Test func revocationCanBeTurnedOff() async throws {
        let servers = try LiveServers.get()
        let checker = try SiteChecker(trust: .pemFile(servers.file("ca.pem")), timeout: .seconds(5), checkRevocation: false)
        let result = await checker.check(request(servers, "revoked.test"), now: Date())
        #expect(result.verdict == .ok, "\(result.problems)")
        #expect(result.revocation == nil)
    }
}
