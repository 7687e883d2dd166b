internal import Foundation
internal import Logging
public import NIOPosix
internal import Synchronization
public import WachterCore

/// Answers decoded requests: checks passwords on a bounded thread pool, applies the
/// lockout policy and records login events; a change or a lockout runs the services'
/// follow-up (the re-export and the cache flush, ``ChangeFollowUp``).
///
/// It knows nothing of sockets, so that tests can drive it directly.
public final class AgentRequestHandler: Sendable {
    /// The services.
    public let services: WachterServices
    /// The failure counter.
    public let tracker: FailureTracker
    /// The batching recorder for events answered without a check.
    public let recorder: LoginRecorder
    private let pool: NIOThreadPool
    private let maximumPending: Int
    private let pending = Mutex(0)
    private let logger: Logger

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - services: The services, with their change follow-up.
    ///   - configuration: The agent's configuration (lockout, overload limit).
    ///   - pool: The thread pool for hashing and store writes.
    ///   - recorder: The batching recorder.
    public init(services: WachterServices, configuration: AgentConfiguration, pool: NIOThreadPool, recorder: LoginRecorder) {
        self.services = services
        self.tracker = FailureTracker(settings: configuration.lockout)
        self.recorder = recorder
        self.pool = pool
        self.maximumPending = configuration.maximumPending
        self.logger = services.logger
    }

    /// Answers one request.
    ///
    /// - Parameter request: The request.
    /// - Returns: The answer; internal failures become `error` answers.
    public func answer(_ request: AgentRequest) async -> AgentAnswer {
        do {
            switch request.kind {
            case .authenticate: return try await authenticate(request)
            case .status: return try await status(request)
            case .changePassword: return try await changePassword(request)
            case .sessionOpen, .sessionClose: return try await session(request)
            }
        } catch let error as Overload {
            return AgentAnswer(.error, error.reason)
        } catch let error as WachterError where error.code == .invalidName {
            // A name no account can have (Names.lookup): nothing is looked up or recorded.
            return AgentAnswer(.unknownUser, "no such account: \(error.message)")
        } catch {
            logger.error("request failed", metadata: ["request": "\(request)", "error": "\(error)"])
            return AgentAnswer(.error, "internal error; see the agent's log")
        }
    }

    private struct Overload: Error {
        var reason = "the agent is overloaded; try again"
    }

    /// Runs blocking work on the pool, refusing beyond the overload limit rather than queueing without end.
    private func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let admitted = pending.withLock { count in
            guard count < maximumPending else { return false }
            count += 1
            return true
        }
        guard admitted else { throw Overload() }
        defer { pending.withLock { $0 -= 1 } }
        return try await pool.runIfActive(body)
    }

    private func throttled(_ request: AgentRequest, account: String) async throws -> AgentAnswer? {
        guard let source = request.source, tracker.isThrottled(source: source, at: services.clock.now()) else { return nil }
        let reason = "too many failed logins from this address"
        try await recorder.record(
            LoginEvent(
                time: services.clock.now(), account: account, service: request.service, source: source, result: .locked,
                reason: reason))
        return AgentAnswer(.locked, reason + "; try again later")
    }

    private func authenticate(_ request: AgentRequest) async throws -> AgentAnswer {
        let account = try Names.lookup(request.user)
        if let answer = try await throttled(request, account: account) { return answer }
        let logins = services.logins
        let tracker = tracker
        let password = request.password
        var (outcome, effects, fingerprint) = try await offload {
            let secret = password?.take() ?? Secret(bytes: [])
            let fingerprint = tracker.fingerprint(account: account, password: secret)
            let (outcome, effects) = try logins.check(
                account: request.user, password: secret, service: request.service, source: request.source)
            return (outcome, effects, fingerprint)
        }
        // Counted before it is recorded, so that the event says whether it repeated a
        // failure (no host counts a repeat again).
        let verdict = countFailure(outcome, account: account, request: request, fingerprint: fingerprint)
        effects.event.repeated = verdict?.repeated ?? false
        // The answer does not wait for the store: the effects are written in the next batch.
        try await recorder.record(effects)
        try await afterCheck(outcome, account: account, request: request, verdict: verdict)
        return Self.answer(for: outcome)
    }

    /// Counts a failed login in the tracker; nil for any other outcome.
    /// Dovecot's policy reports (``DovecotPolicyResponder``) come through here too.
    func countFailure(_ outcome: VerifyOutcome, account: String, request: AgentRequest, fingerprint: Data)
        -> FailureTracker.Verdict?
    {
        guard outcome.result == .failure || outcome.result == .unknownUser else { return nil }
        let verdict = tracker.recordFailure(
            account: account, source: request.source, fingerprint: fingerprint, at: services.clock.now())
        if verdict.sourceThrottled {
            logger.info("source throttled after failed logins", metadata: ["source": "\(request.source ?? "-")"])
        }
        return verdict
    }

    /// After a login's event is queued: locks the account or throttles the source when the
    /// failures of every host sharing the store say so, forgets failures after a success.
    func afterCheck(_ outcome: VerifyOutcome, account: String, request: AgentRequest, verdict: FailureTracker.Verdict?)
        async throws
    {
        switch outcome.result {
        case .success, .expired:
            tracker.recordSuccess(account: account)
        case .failure, .unknownUser:
            guard let verdict, !verdict.repeated else { return }
            // A counted failure writes the queue at once, so that the consecutive-failure
            // count the hard cap reads is current, a lock is in place for the next attempt,
            // and other hosts count it; failures pay the commit, successes do not.
            try await recorder.flush()
            let logins = services.logins
            let settings = tracker.settings
            let now = services.clock.now()
            if let source = request.source, !verdict.sourceThrottled {
                // A guesser who spreads attempts over several hosts is throttled on each.
                let recorded = try await offload {
                    try logins.countedFailures(source: source, since: now.addingTimeInterval(-settings.sourceWindow))
                }
                if recorded >= settings.sourceFailures {
                    tracker.throttle(source: source, until: now.addingTimeInterval(settings.sourceDuration))
                    logger.info("source throttled after failed logins on every host", metadata: ["source": "\(source)"])
                }
            }
            guard outcome.result == .failure else { return }
            // A lockout is a change: its follow-up re-exports and flushes the caches.
            _ = try await offload {
                try logins.applyLockout(account: account, recentFailures: verdict.accountFailures, settings: settings)
            }
        case .locked:
            break
        }
    }

    private static func answer(for outcome: VerifyOutcome) -> AgentAnswer {
        switch outcome.result {
        case .success: AgentAnswer(.success)
        case .expired: AgentAnswer(.expired, outcome.reason ?? "the password must be changed")
        case .failure: AgentAnswer(.failure, "authentication failed")
        case .locked: AgentAnswer(.locked, outcome.reason ?? "the account is locked")
        case .unknownUser: AgentAnswer(.unknownUser, "authentication failed")
        }
    }

    private func status(_ request: AgentRequest) async throws -> AgentAnswer {
        let accounts = services.accounts
        let standing = try await offload { try accounts.standing(account: request.user) }
        switch standing {
        case .good: return AgentAnswer(.success)
        case .mustChange: return AgentAnswer(.expired, "the password must be changed")
        case .locked: return AgentAnswer(.locked, "the account is locked")
        case .unknown: return AgentAnswer(.unknownUser, "no such account")
        }
    }

    private func changePassword(_ request: AgentRequest) async throws -> AgentAnswer {
        let account = try Names.lookup(request.user)
        if let answer = try await throttled(request, account: account) { return answer }
        let accounts = services.accounts
        let tracker = tracker
        let (old, new) = (request.password, request.newPassword)
        let (outcome, fingerprint) = try await offload {
            let current = old?.take() ?? Secret(bytes: [])
            let fingerprint = tracker.fingerprint(account: account, password: current)
            let outcome = try accounts.changePassword(
                account: request.user, old: current, new: new?.take() ?? Secret(bytes: []), service: request.service,
                source: request.source)
            return (outcome, fingerprint)
        }
        switch outcome {
        case .changed(let failures):
            tracker.recordSuccess(account: account)
            if let failure = failures.first {
                logger.error("follow-up after a change failed", metadata: ["account": "\(account)", "error": "\(failure)"])
                return AgentAnswer(.success, "the password was changed; \(AgentAnswer.cacheFlushFailedPrefix) \(failure)")
            }
            return AgentAnswer(.success, "the password was changed")
        case .refused(let reason):
            return AgentAnswer(.policyRefused, reason)
        case .rejected(let verification):
            let verdict = countFailure(verification, account: account, request: request, fingerprint: fingerprint)
            try await afterCheck(verification, account: account, request: request, verdict: verdict)
            return Self.answer(for: verification)
        }
    }

    private func session(_ request: AgentRequest) async throws -> AgentAnswer {
        let accounts = services.accounts
        let standing = try await offload { try accounts.standing(account: request.user) }
        logger.info(
            request.kind == .sessionOpen ? "session opened" : "session closed",
            metadata: ["account": "\(request.user)", "service": "\(request.service)", "source": "\(request.source ?? "-")"])
        return standing == .unknown ? AgentAnswer(.unknownUser, "no such account") : AgentAnswer(.success)
    }
}
