import Foundation
import Synchronization
import WachterCore

/// Checks whether a served certificate is revoked, as browsers do, in this order:
///
/// 1. the OCSP response the server stapled to the handshake;
/// 2. else the OCSP responder named in the certificate's Authority Information
///    Access, over HTTP, answers cached until their nextUpdate;
/// 3. else the CRL of its distribution point, over HTTP, cached until its nextUpdate.
///
/// Every answer is believed only when its signature verifies (by the issuer, or a
/// responder the issuer delegated to) and it is fresh at the check's time. A
/// certificate that names neither a responder nor a CRL costs no fetch at all.
/// A source that cannot be reached in time is a soft fail (a warning), never a
/// hang: every fetch is bounded by the deadline it is given.
///
/// The cache lives in memory for the checker's life, and, with a directory, on
/// disk as the DER bytes of each response and CRL, judged again when read.
/// Concurrent checks of one certificate or one CRL fetch it once: the others
/// wait for the first one's answer.
final class RevocationChecker: Sendable {
    let trust: TrustStore
    let cacheDirectory: String?

    private struct CachedAnswer {
        var answer: OCSPQuery.Answer
        var freshUntil: Date
    }
    private struct CachedList {
        var list: RevocationList
        var freshUntil: Date
    }
    private let answers = Mutex<[String: CachedAnswer]>([:])
    private let lists = Mutex<[String: CachedList]>([:])
    private let gates = Mutex<[String: NSLock]>([:])
    /// URLs that could not be reached in this checker's life, with why: later
    /// checks do not wait for them again, so a responder that hangs costs the
    /// timeout once per thread, not once per certificate.
    private let downURLs = Mutex<[String: String]>([:])
    private let fetches = Atomic<Int>(0)

    /// - Parameters:
    ///   - trust: The store that OCSP responders' signatures are verified against.
    ///   - cacheDirectory: Where to keep responses and CRLs between runs; nil for memory only.
    init(trust: TrustStore, cacheDirectory: String?) {
        self.trust = trust
        self.cacheDirectory = cacheDirectory
    }

    /// How many network fetches this checker has made (for tests and logs).
    var fetchCount: Int { fetches.load(ordering: .relaxed) }

    /// The outcome for one certificate.
    struct Outcome {
        var status: RevocationStatus?
        var problems: [Problem]
    }

    /// Checks `leaf`, issued by `issuer`, at `now`.
    ///
    /// - Parameters:
    ///   - leaf: The served leaf.
    ///   - issuer: Its issuer, from the served or the built chain; without one
    ///     nothing can be verified and nothing is fetched (the chain problem is
    ///     reported already).
    ///   - stapled: The DER of the stapled OCSP response, if any.
    ///   - now: The time answers must be fresh at.
    ///   - deadline: When every fetch gives up.
    ///   - timeout: The time allowed, for sentences.
    func check(
        leaf: Certificate, issuer: Certificate?, stapled: [UInt8]?, now: Date, deadline: ContinuousClock.Instant,
        timeout: Duration
    ) -> Outcome {
        let ocspURLs = leaf.ocspURLs
        let crlURLs = leaf.crlURLs
        guard stapled != nil || !ocspURLs.isEmpty || !crlURLs.isEmpty, let issuer,
            let query = OCSPQuery(leaf: leaf, issuer: issuer)
        else { return Outcome(status: nil, problems: []) }
        var problems: [Problem] = []
        var unreachable: [String] = []
        func add(_ code: ProblemCode, _ message: String) {
            problems.append(Problem(code, message, source: .served))
        }

        if let stapled {
            let answer = query.judge(response: stapled, trust: trust, now: now)
            if let decided = decision(answer, source: .stapled, cached: false, problems: &problems) {
                return decided
            }
            if case .invalid(let why) = answer {
                add(.revocationResponseInvalid, "The server staples an OCSP response that cannot be believed: \(why).")
            }
        }

        if !ocspURLs.isEmpty {
            let id = query.idDER
            let key = "ocsp-" + OpenSSLBytes.sha256Hex(id)
            let result: (answer: OCSPQuery.Answer, cached: Bool, failures: [String]) = gated(key) {
                if let hit = answers.withLock({ $0[key] }), hit.freshUntil > now { return (hit.answer, true, []) }
                if let bytes = readCache(key) {
                    let answer = query.judge(response: bytes, trust: trust, now: now)
                    if let freshUntil = Self.freshUntil(answer) {
                        answers.withLock { $0[key] = CachedAnswer(answer: answer, freshUntil: freshUntil) }
                        return (answer, true, [])
                    }
                }
                var failures: [String] = []
                let request = query.requestDER
                for url in ocspURLs {
                    if let earlier = downURLs.withLock({ $0[url] }) {
                        failures.append(earlier)
                        continue
                    }
                    fetches.add(1, ordering: .relaxed)
                    switch HTTPFetch.fetch(url, post: request, limit: 65_536, deadline: deadline) {
                    case .failure(let failure):
                        let text = "the OCSP responder \(url) \(Self.timed(failure.text, timeout))"
                        downURLs.withLock { $0[url] = text }
                        failures.append(text)
                    case .success(let bytes):
                        let answer = query.judge(response: bytes, trust: trust, now: now)
                        if let freshUntil = Self.freshUntil(answer) {
                            answers.withLock { $0[key] = CachedAnswer(answer: answer, freshUntil: freshUntil) }
                            writeCache(key, bytes)
                        }
                        return (answer, false, failures)
                    }
                }
                return (.invalid(""), false, failures)
            }
            unreachable += result.failures
            if let decided = decision(result.answer, source: .ocsp, cached: result.cached, problems: &problems) {
                return decided
            }
            if case .invalid(let why) = result.answer, !why.isEmpty {
                add(.revocationResponseInvalid, "The OCSP responder's answer cannot be believed: \(why).")
            }
        }

        for url in crlURLs {
            let key = "crl-" + OpenSSLBytes.sha256Hex(Array(url.utf8))
            let result: (list: RevocationList?, cached: Bool, failure: String?) = gated(key) {
                if let hit = lists.withLock({ $0[key] }), hit.freshUntil > now { return (hit.list, true, nil) }
                if let bytes = readCache(key), let list = RevocationList.read(bytes),
                    let freshUntil = Self.freshUntil(list, now: now),
                    list.isSigned(by: issuer)
                {
                    lists.withLock { $0[key] = CachedList(list: list, freshUntil: freshUntil) }
                    return (list, true, nil)
                }
                if let earlier = downURLs.withLock({ $0[url] }) { return (nil, false, earlier) }
                fetches.add(1, ordering: .relaxed)
                switch HTTPFetch.fetch(url, limit: 64 << 20, deadline: deadline) {
                case .failure(let failure):
                    let text = "the CRL \(url) \(Self.timed(failure.text, timeout))"
                    downURLs.withLock { $0[url] = text }
                    return (nil, false, text)
                case .success(let bytes):
                    guard let list = RevocationList.read(bytes) else { return (nil, false, "!the CRL \(url) cannot be read") }
                    // Cached (if signed and fresh) before it is judged for this certificate.
                    if list.isSigned(by: issuer), let freshUntil = Self.freshUntil(list, now: now) {
                        lists.withLock { $0[key] = CachedList(list: list, freshUntil: freshUntil) }
                        writeCache(key, bytes)
                    }
                    return (list, false, nil)
                }
            }
            if let failure = result.failure {
                if failure.hasPrefix("!") {
                    add(.revocationResponseInvalid, "The revocation list cannot be believed: \(failure.dropFirst()).")
                } else {
                    unreachable.append(failure)
                }
                continue
            }
            guard let list = result.list else { continue }
            guard list.isSigned(by: issuer) else {
                add(.revocationResponseInvalid, "The CRL \(url) is not signed by the certificate's issuer.")
                continue
            }
            guard Self.freshUntil(list, now: now) != nil else {
                add(
                    .revocationResponseInvalid,
                    "The CRL \(url) is stale: its next update was due \(list.nextUpdate.map(ChainAnalysis.timestamp) ?? "long ago")."
                )
                continue
            }
            if let entry = list.entry(for: leaf) {
                add(.revoked, Self.revokedSentence(reason: entry.reason, at: entry.revokedAt, source: "the CRL \(url)"))
                return Outcome(
                    status: RevocationStatus(
                        state: .revoked, source: .crl, cached: result.cached, reason: entry.reason, revokedAt: entry.revokedAt,
                        nextUpdate: list.nextUpdate),
                    problems: problems)
            }
            return Outcome(
                status: RevocationStatus(state: .good, source: .crl, cached: result.cached, nextUpdate: list.nextUpdate),
                problems: problems)
        }

        if !unreachable.isEmpty {
            add(
                .revocationUnchecked,
                "Revocation could not be checked: \(unreachable.joined(separator: "; ")). Clients that fail soft accept the certificate."
            )
        }
        return Outcome(status: RevocationStatus(state: .unchecked, source: nil), problems: problems)
    }

    /// The outcome for a definite OCSP answer (good or revoked), or nil to go on.
    private func decision(
        _ answer: OCSPQuery.Answer, source: RevocationStatus.Source, cached: Bool, problems: inout [Problem]
    ) -> Outcome? {
        switch answer {
        case .good(_, let next):
            return Outcome(
                status: RevocationStatus(state: .good, source: source, cached: cached, nextUpdate: next), problems: problems)
        case .revoked(let reason, let at, _, let next):
            let from = source == .stapled ? "the OCSP response the server staples" : "its OCSP responder"
            problems.append(Problem(.revoked, Self.revokedSentence(reason: reason, at: at, source: from), source: .served))
            return Outcome(
                status: RevocationStatus(
                    state: .revoked, source: source, cached: cached, reason: reason, revokedAt: at, nextUpdate: next),
                problems: problems)
        case .unknown, .invalid:
            return nil
        }
    }

    private static func revokedSentence(reason: String?, at: Date?, source: String) -> String {
        let when = at.map { " on \(ChainAnalysis.day($0))" } ?? ""
        let why = reason.map { " (reason: \($0))" } ?? ""
        return "The certificate was revoked\(when)\(why), says \(source): clients that check refuse it."
    }

    private static func timed(_ text: String, _ timeout: Duration) -> String {
        text.hasSuffix("in time") ? text.replacingOccurrences(of: "in time", with: "within \(SiteProbe.seconds(timeout))") : text
    }

    /// How long an OCSP answer may be reused: its nextUpdate, for a verified answer.
    private static func freshUntil(_ answer: OCSPQuery.Answer) -> Date? {
        switch answer {
        case .good(_, let next), .unknown(_, let next), .revoked(_, _, _, let next): return next
        case .invalid: return nil
        }
    }

    /// A CRL's nextUpdate when it is fresh at `now` (five minutes' leeway); nil when stale.
    private static func freshUntil(_ list: RevocationList, now: Date) -> Date? {
        let leeway: TimeInterval = 300
        if let this = list.thisUpdate, this > now.addingTimeInterval(leeway) { return nil }
        let until = list.nextUpdate ?? list.thisUpdate?.addingTimeInterval(86_400)
        guard let until, until >= now.addingTimeInterval(-leeway) else { return nil }
        return until
    }

    /// Runs `body` while holding the lock of `key`, so that one check fetches what
    /// the others then find in the cache.
    private func gated<T>(_ key: String, _ body: () -> T) -> T {
        let lock = gates.withLock { gates in
            if let lock = gates[key] { return lock }
            let lock = NSLock()
            gates[key] = lock
            return lock
        }
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    private func readCache(_ key: String) -> [UInt8]? {
        guard let cacheDirectory else { return nil }
        return FileManager.default.contents(atPath: cacheDirectory + "/" + key + ".der").map { Array($0) }
    }

    private func writeCache(_ key: String, _ bytes: [UInt8]) {
        guard let cacheDirectory else { return }
        // Made when first needed, 0700: a run without revocation data leaves no trace.
        try? FileManager.default.createDirectory(
            atPath: cacheDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Written to a temporary file and renamed, so a reader never sees half a file.
        try? Data(bytes).write(to: URL(fileURLWithPath: cacheDirectory + "/" + key + ".der"), options: .atomic)
    }
}
