import Foundation
import Testing
import WachterCore
import WachterTLS

/// Every served problem, made to happen by a real nginx or openssl server on loopback.
@Suite struct SiteCheckerTests {
    /// One served case: the SNI name and what the check must find.
    struct ServedCase: Sendable, CustomStringConvertible {
        var domain: String
        var expected: ProblemCode?
        var verdict: Verdict
        var description: String { domain }
    }

    static let servedCases: [ServedCase] = [
        ServedCase(domain: "healthy-rsa.test", expected: nil, verdict: .ok),
        ServedCase(domain: "healthy-ec.test", expected: nil, verdict: .ok),
        ServedCase(domain: "www.wild.test", expected: nil, verdict: .ok),
        ServedCase(domain: "xn--mnchen-3ya.test", expected: nil, verdict: .ok),
        ServedCase(domain: "deep.sub.wild.test", expected: .hostnameMismatch, verdict: .critical),
        ServedCase(domain: "expired.test", expected: .expired, verdict: .critical),
        ServedCase(domain: "not-yet-valid.test", expected: .notYetValid, verdict: .critical),
        ServedCase(domain: "expires-soon.test", expected: .expiresSoon, verdict: .warning),
        ServedCase(domain: "wrong-name.test", expected: .hostnameMismatch, verdict: .critical),
        ServedCase(domain: "cn-only.test", expected: .hostnameMismatch, verdict: .critical),
        ServedCase(domain: "self-signed.test", expected: .selfSigned, verdict: .critical),
        ServedCase(domain: "untrusted.test", expected: .untrustedRoot, verdict: .critical),
        ServedCase(domain: "incomplete.test", expected: .incompleteChain, verdict: .critical),
        ServedCase(domain: "weak-key.test", expected: .weakKey, verdict: .critical),
        ServedCase(domain: "sha1.test", expected: .weakSignature, verdict: .critical),
        ServedCase(domain: "refused-handshake.test", expected: .handshakeFailure, verdict: .critical),
    ]

    private func checker(timeout: Duration = .seconds(5), concurrency: Int = 8) throws -> (SiteChecker, LiveServers) {
        let servers = try LiveServers.get()
        let checker = try SiteChecker(
            trust: .pemFile(servers.file("ca.pem")), warnDays: 21, timeout: timeout, concurrency: concurrency)
        return (checker, servers)
    }

    @Test(arguments: servedCases)
    func servedCertificateGetsItsVerdict(_ testCase: ServedCase) async throws {
        let (checker, servers) = try checker()
        let request = SiteCheckRequest(domain: testCase.domain, connect: Endpoint(host: "127.0.0.1", port: servers.tlsPort))
        let result = await checker.check(request, now: Date())
        #expect(result.verdict == testCase.verdict, "\(result.problems)")
        if let expected = testCase.expected {
            #expect(result.problems.map(\.code) == [expected], "\(result.problems)")
        } else {
            #expect(result.problems.isEmpty, "\(result.problems)")
            #expect(result.served != nil)
            #expect((result.daysLeft ?? 0) > 300)
        }
    }

    @Test(arguments: [
        ("/nonexistent-wachter-dir/ca.pem", "No such file or directory"), (NSTemporaryDirectory(), "Is a directory"),
    ])
    func aCAFileThatCannotBeReadIsNamedWithTheSystemsReason(path: String, reason: String) {
        let error = #expect(throws: WachterError.self) { try SiteChecker(trust: .pemFile(path)) }
        #expect(error?.message == "cannot read the CA file \(path): \(reason)")
    }

    @Test func expiringSoonSaysTheDateAndTheDaysLeft() async throws {
        let (checker, servers) = try checker()
        let result = await checker.check(
            SiteCheckRequest(domain: "expires-soon.test", connect: Endpoint(host: "127.0.0.1", port: servers.tlsPort)),
            now: Date())
        let message = try #require(result.problems.first?.message)
        #expect(message.contains("days left") || message.contains("day left"))
        #expect(result.daysLeft == 4 || result.daysLeft == 5)
        #expect(message.contains(String(Calendar(identifier: .gregorian).component(.year, from: result.notAfter ?? Date()))))
    }

    @Test func commonNameOnlyCertificateNeverMatches() async throws {
        let (checker, servers) = try checker()
        let result = await checker.check(
            SiteCheckRequest(domain: "cn-only.test", connect: Endpoint(host: "127.0.0.1", port: servers.tlsPort)),
            now: Date())
        #expect(result.has(.hostnameMismatch))
        #expect(result.problems.first?.message.contains("no subjectAltName") == true)
    }

    @Test func plainHTTPPortIsNoTLS() async throws {
        let (checker, servers) = try checker()
        let result = await checker.check(
            SiteCheckRequest(domain: "healthy-rsa.test", connect: Endpoint(host: "127.0.0.1", port: servers.plainPort)),
            now: Date())
        #expect(result.problems.map(\.code) == [.noTLS], "\(result.problems)")
        #expect(result.verdict == .critical)
    }

    @Test func anonymousHandshakeIsNoCertificate() async throws {
        let (checker, servers) = try checker()
        let result = await checker.check(
            SiteCheckRequest(domain: "healthy-rsa.test", connect: Endpoint(host: "127.0.0.1", port: servers.noCertificatePort)),
            now: Date())
        #expect(result.problems.map(\.code) == [.noCertificate], "\(result.problems)")
    }

    @Test func closedPortIsConnectionRefused() async throws {
        let (checker, servers) = try checker()
        let result = await checker.check(
            SiteCheckRequest(domain: "healthy-rsa.test", connect: Endpoint(host: "127.0.0.1", port: servers.closedPort)),
            now: Date())
        #expect(result.problems.map(\.code) == [.connectionRefused], "\(result.problems)")
        #expect(result.verdict == .critical)
    }

    @Test func silentServerTimesOut() async throws {
        let (checker, servers) = try checker(timeout: .milliseconds(500))
        let started = ContinuousClock.now
        let result = await checker.check(
            SiteCheckRequest(domain: "healthy-rsa.test", connect: Endpoint(host: "127.0.0.1", port: servers.silentPort)),
            now: Date())
        #expect(result.problems.map(\.code) == [.timeout], "\(result.problems)")
        // Measured on the worker thread: the deadline bounds the check itself. The
        // wall time also holds the resumption on Swift's cooperative pool, which
        // other test suites may keep busy, so its bound is loose.
        #expect(result.milliseconds >= 450 && result.milliseconds < 2_000, "\(result.milliseconds) ms")
        #expect(started.duration(to: .now) < .seconds(30))
    }

    @Test func unresolvableNameIsUnknown() async throws {
        let (checker, _) = try checker()
        let result = await checker.check(SiteCheckRequest(domain: "nothing-here.invalid"), now: Date())
        #expect(result.problems.map(\.code) == [.unresolved], "\(result.problems)")
        #expect(result.verdict == .unknown)
    }

    @Test func timeIsAParameter() async throws {
        let (checker, servers) = try checker()
        let endpoint = Endpoint(host: "127.0.0.1", port: servers.tlsPort)
        let request = SiteCheckRequest(domain: "healthy-ec.test", connect: endpoint)
        let later = await checker.check(request, now: Date().addingTimeInterval(350 * 86_400))
        #expect(later.problems.map(\.code) == [.expiresSoon], "\(later.problems)")
        let muchLater = await checker.check(request, now: Date().addingTimeInterval(400 * 86_400))
        #expect(muchLater.problems.map(\.code) == [.expired], "\(muchLater.problems)")
        #expect((muchLater.daysLeft ?? 0) < 0)
        let earlier = await checker.check(request, now: Date().addingTimeInterval(-40 * 86_400))
        #expect(earlier.problems.map(\.code) == [.notYetValid], "\(earlier.problems)")
    }

    @Test func systemTrustStoreDoesNotTrustTheTestRoot() async throws {
        let servers = try LiveServers.get()
        let checker = try SiteChecker(trust: .system)
        let result = await checker.check(
            SiteCheckRequest(domain: "healthy-rsa.test", connect: Endpoint(host: "127.0.0.1", port: servers.tlsPort)),
            now: Date())
        #expect(result.problems.map(\.code) == [.untrustedRoot], "\(result.problems)")
    }

    @Test func missingCAFileIsAnError() {
        #expect(throws: WachterError.self) {
            try SiteChecker(trust: .pemFile("/nonexistent/ca.pem"))
        }
    }

    @Test func silentServersDoNotHoldUpTheOthers() async throws {
        let (checker, servers) = try checker(timeout: .seconds(1), concurrency: 48)
        let silent = Endpoint(host: "127.0.0.1", port: servers.silentPort)
        let served = Endpoint(host: "127.0.0.1", port: servers.tlsPort)
        var requests: [SiteCheckRequest] = []
        for index in 0..<120 {
            requests.append(
                index % 3 == 0
                    ? SiteCheckRequest(domain: "healthy-ec.test", connect: silent)
                    : SiteCheckRequest(domain: "healthy-ec.test", connect: served))
        }
        let progress = ProgressCounter()
        let started = ContinuousClock.now
        let results = await checker.check(requests, now: Date()) { done, total in
            progress.record(done: done, total: total)
        }
        let elapsed = started.duration(to: .now)
        #expect(results.count == requests.count)
        for (index, result) in results.enumerated() {
            #expect(result.problems.map(\.code) == (index % 3 == 0 ? [.timeout] : []), "site \(index): \(result.problems)")
            // Measured on the worker thread: a silent site costs its own timeout,
            // and a healthy one never waits behind a silent one.
            if index % 3 == 0 {
                #expect(result.milliseconds >= 950 && result.milliseconds < 4_000, "site \(index): \(result.milliseconds) ms")
            } else {
                #expect(result.milliseconds < 950, "site \(index): \(result.milliseconds) ms")
            }
        }
        // 40 silent sites at 1 s each on 48 threads: about a second, not the 40 s
        // of one after another (loose: other suites may keep the machine busy).
        #expect(elapsed < .seconds(30), "took \(elapsed)")
        #expect(progress.calls == requests.count)
        #expect(progress.last == requests.count)
    }
}

/// Counts progress callbacks from any thread.
final class ProgressCounter: Sendable {
    private let state = LockedState()
    var calls: Int { state.read().calls }
    var last: Int { state.read().last }
    func record(done: Int, total: Int) { state.update(done: done) }

    private final class LockedState: @unchecked Sendable {
        private let lock = NSLock()
        private var calls = 0
        private var last = 0
        func update(done: Int) {
            lock.lock()
            calls += 1
            last = max(last, done)
            lock.unlock()
        }
        func read() -> (calls: Int, last: Int) {
            lock.lock()
            defer { lock.unlock() }
            return (calls, last)
        }
    }
}
