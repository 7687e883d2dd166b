public import Foundation
public import Logging
import Synchronization
public import WachterCore

#if canImport(Glibc)
    import Glibc
#endif

/// Which root certificates a check trusts.
public enum TrustSource: Sendable, Hashable {
    /// The system's trust store (OpenSSL's default paths; /etc/ssl/certs on Debian).
    case system
    /// Exactly the certificates of a PEM bundle, instead of the system store.
    case pemFile(String)
}

/// Checks the TLS certificates of many sites at once: over the network, with SNI,
/// and in the sites' certificate and key files.
///
/// Each check connects with a deadline of `timeout` for the connection and the
/// handshake together. At most `concurrency` checks run at a time, each on a
/// thread of its own (never on Swift's cooperative pool), so a silent server
/// holds up one thread for at most `timeout` and nothing else.
public struct SiteChecker: Sendable {
    /// The default number of checks at a time.
    public static let defaultConcurrency = 64
    /// The default warning period in days.
    public static let defaultWarnDays = 21
    /// The default timeout for the connection and handshake of one site.
    public static let defaultTimeout = Duration.seconds(10)

    /// A certificate whose end is fewer than this many days away gets `expires-soon`.
    public let warnDays: Int
    /// How long one site may take to accept the connection and finish the handshake.
    public let timeout: Duration
    /// At most this many sites are checked at a time.
    public let concurrency: Int

    private let trust: TrustStore
    private let client: TLSClient
    private let logger: Logger
    private let revocation: RevocationChecker?

    /// Loads the trust store and sets up the TLS client.
    ///
    /// - Parameters:
    ///   - trust: The roots to trust: the system store or a PEM bundle.
    ///   - warnDays: The warning period in days (at least 0).
    ///   - timeout: The limit for connecting and the handshake of one site.
    ///   - concurrency: How many sites to check at a time (at least 1).
    ///   - logger: Where to log each finished site (debug) and each batch (info), with
    ///     the data in metadata.
    ///   - checkRevocation: Whether to check the served leaf's revocation (stapled
    ///     OCSP, the OCSP responder, the CRL; docs/TLS.md).
    ///   - revocationCache: A directory that keeps OCSP responses and CRLs between
    ///     runs, until their next update; nil keeps them in memory only.
    /// - Throws: `WachterError` when the trust store does not load or OpenSSL fails.
    public init(
        trust: TrustSource = .system, warnDays: Int = SiteChecker.defaultWarnDays,
        timeout: Duration = SiteChecker.defaultTimeout, concurrency: Int = SiteChecker.defaultConcurrency,
        logger: Logger = Logger(label: "wachter.tls"), checkRevocation: Bool = true, revocationCache: String? = nil
    ) throws(WachterError) {
        if case .pemFile(let path) = trust {
            do {
                try FileAccess.checkReadable(path, what: "CA file")
            } catch {
                throw WachterError(.trustStoreUnavailable, error.message)
            }
        }
        do {
            switch trust {
            case .system: self.trust = try TrustStore.system()
            case .pemFile(let path): self.trust = try TrustStore.pemBundle(path)
            }
        } catch {
            throw WachterError(.trustStoreUnavailable, error.message, cause: error.detail)
        }
        do {
            self.client = try TLSClient()
        } catch {
            throw WachterError(.openSSLFailure, error.message, cause: error.detail)
        }
        self.revocation = checkRevocation ? RevocationChecker(trust: self.trust, cacheDirectory: revocationCache) : nil
        self.warnDays = max(0, warnDays)
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
        self.logger = logger
    }

    /// Checks many sites, at most `concurrency` at a time.
    ///
    /// - Parameters:
    ///   - requests: The sites to check.
    ///   - now: The time to judge dates at; pass `Date()` outside tests.
    ///   - progress: Called after each finished site with the number done and the
    ///     total; on a worker thread, one call at a time, with `done` counting up.
    /// - Returns: One result per request, in the order of `requests`.
    public func check(
        _ requests: [SiteCheckRequest], now: Date, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) async -> [SiteCheckResult] {
        guard !requests.isEmpty else { return [] }
        let width = min(concurrency, requests.count)
        let pool = WorkerPool(threads: width)
        defer { pool.shutdown() }
        let probe = SiteProbe(
            analysis: ChainAnalysis(trust: trust, warnDays: warnDays), client: client, timeout: timeout, revocation: revocation)
        let started = ContinuousClock.now
        let batch = Batch(count: requests.count)
        let logger = self.logger
        // Every request goes to the pool at once: its threads bound the concurrency
        // and work through the queue by themselves, so a busy cooperative pool
        // delays only the one resumption at the end, never the checks.
        let results: [SiteCheckResult] = await withCheckedContinuation { continuation in
            for (index, request) in requests.enumerated() {
                pool.submit {
                    let result = probe.run(request, now: now)
                    logger.debug(
                        "site checked",
                        metadata: [
                            "domain": "\(result.domain)", "verdict": "\(result.verdict)",
                            "problems": "\(result.problems.map(\.code.description).joined(separator: ","))",
                            "milliseconds": "\(result.milliseconds)",
                        ])
                    if let all = batch.store(result, at: index, progress: progress) {
                        continuation.resume(returning: all)
                    }
                }
            }
        }
        logger.info(
            "sites checked",
            metadata: [
                "sites": "\(results.count)", "threads": "\(width)", "verdict": "\(Verdict.worst(results.map(\.verdict)))",
                "duration": "\(started.duration(to: .now))",
            ])
        return results
    }

    /// Where OCSP responses and CRLs are cached between runs by default:
    /// `/var/cache/wachter/revocation` for root, else `$XDG_CACHE_HOME/wachter/revocation`
    /// or `~/.cache/wachter/revocation`.
    ///
    /// - Parameter environment: The process environment.
    /// - Returns: The directory (made 0700 when first used).
    public static func defaultRevocationCache(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if geteuid() == 0 { return "/var/cache/wachter/revocation" }
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/wachter/revocation" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/wachter/revocation"
    }

    /// How many OCSP and CRL fetches over the network this checker has made so far;
    /// answers from the cache do not count.
    public var revocationFetches: Int { revocation?.fetchCount ?? 0 }

    /// Checks one site.
    ///
    /// - Parameters:
    ///   - request: The site to check.
    ///   - now: The time to judge dates at.
    /// - Returns: The site's result.
    public func check(_ request: SiteCheckRequest, now: Date) async -> SiteCheckResult {
        await check([request], now: now)[0]
    }
}

/// The results of one `check` call, filled in by the worker threads.
private final class Batch: Sendable {
    private let state: Mutex<(results: [SiteCheckResult?], done: Int)>

    init(count: Int) {
        state = Mutex((results: [SiteCheckResult?](repeating: nil, count: count), done: 0))
    }

    /// Stores one result and reports progress; returns every result once the last one is in.
    func store(
        _ result: SiteCheckResult, at index: Int, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    ) -> [SiteCheckResult]? {
        state.withLock { state in
            state.results[index] = result
            state.done += 1
            // Inside the lock, so that calls come one at a time and in order.
            progress?(state.done, state.results.count)
            return state.done == state.results.count ? state.results.compactMap(\.self) : nil
        }
    }
}
