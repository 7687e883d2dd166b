internal import Foundation
internal import Logging
public import NIOPosix
internal import WachterCore

/// Answers Dovecot's policy requests with the agent's own judgement: the same store
/// (locks, must-change), the same failure tracker (lockout per account, throttling per
/// address) and the same login recorder as the Unix-socket protocol.
///
/// It knows nothing of HTTP, so that tests can drive it directly.
public final class DovecotPolicyResponder: Sendable {
    /// The agent's request handler, whose tracker, recorder and lockout this shares.
    public let handler: AgentRequestHandler
    /// The configuration.
    public let configuration: DovecotPolicyConfiguration
    private let pool: NIOThreadPool

    /// Creates a responder.
    ///
    /// - Parameters:
    ///   - handler: The agent's request handler.
    ///   - configuration: The configuration.
    ///   - pool: Threads for the store reads, apart from the hashing threads, so that a
    ///     busy hashing pool never delays Dovecot past its 2-second timeout.
    public init(handler: AgentRequestHandler, configuration: DovecotPolicyConfiguration, pool: NIOThreadPool) {
        self.handler = handler
        self.configuration = configuration
        self.pool = pool
    }

    /// Answers `?command=allow`, asked before Dovecot checks a password (and after a success).
    ///
    /// - Parameter request: The request.
    /// - Returns: -1 and a reason for a locked or must-change account or a throttled
    ///   address; a tarpit after repeated failures where configured; else 0.
    /// - Throws: ``WachterError`` when the store fails.
    public func allow(_ request: DovecotPolicyRequest) async throws -> DovecotPolicyAnswer {
        let now = handler.services.clock.now()
        let source = Self.nonEmpty(request.remote)
        if let source, handler.tracker.isThrottled(source: source, at: now) {
            return DovecotPolicyAnswer(status: -1, message: "too many failed logins from this address; try again later")
        }
        // A name no account can have (Names.lookup) is Dovecot's to refuse; nothing is counted.
        guard let login = Self.nonEmpty(request.login), let account = try? Names.lookup(login) else { return .allow }
        let accounts = handler.services.accounts
        switch try await pool.runIfActive({ try accounts.standing(account: account) }) {
        case .locked: return DovecotPolicyAnswer(status: -1, message: "the account is locked; try again later")
        case .mustChange: return DovecotPolicyAnswer(status: -1, message: "the password must be changed")
        case .good, .unknown: break
        }
        if configuration.tarpitSeconds > 0 {
            let counts = handler.tracker.recentFailures(account: account, source: source, at: now)
            if max(counts.account, counts.source) >= configuration.tarpitAfter {
                return DovecotPolicyAnswer(status: configuration.tarpitSeconds)
            }
        }
        return .allow
    }

    /// Records `?command=report`, sent after each authentication: a login event, and a
    /// failure counted towards lockout like one the agent checked itself. The same wrong
    /// password again counts once: Dovecot's truncated hash of it stands in for the
    /// password in the tracker's fingerprint.
    ///
    /// - Parameter request: The request.
    /// - Throws: ``WachterError`` when the store fails.
    public func report(_ request: DovecotPolicyRequest) async throws {
        // A malformed name is recorded nowhere, as on the agent's socket (Names.lookup).
        guard let login = Self.nonEmpty(request.login), let account = try? Names.lookup(login) else { return }
        let services = handler.services
        let standing = try await pool.runIfActive { try services.accounts.standing(account: account) }
        let outcome = Self.outcome(of: request, standing: standing)
        var event = LoginEvent(
            time: services.clock.now(), account: account, service: Self.nonEmpty(request.protocol) ?? "dovecot",
            source: Self.nonEmpty(request.remote), result: outcome.result, reason: outcome.reason)
        let known = standing != .unknown
        let agentRequest = AgentRequest(
            kind: .authenticate, service: event.service, user: login, source: event.source)
        let verification = VerifyOutcome(result: outcome.result, matched: outcome.result == .success, reason: outcome.reason)
        let verdict =
            outcome.counts
            ? handler.countFailure(
                verification, account: account, request: agentRequest,
                fingerprint: fingerprint(account: account, request: request)) : nil
        event.repeated = verdict?.repeated ?? false
        try await handler.recorder.record(
            LoginEffects(event: event, account: known && outcome.counts ? account : nil, matched: outcome.result == .success))
        guard outcome.counts else { return }
        try await handler.afterCheck(verification, account: account, request: agentRequest, verdict: verdict)
    }

    /// What a report means: the result to record, and whether it counts for lockout (a
    /// refusal by this server or Dovecot's internal failure does not).
    static func outcome(of request: DovecotPolicyRequest, standing: AccountStanding) -> (
        result: LoginResult, reason: String?, counts: Bool
    ) {
        let failType = request.failType ?? ""
        if request.success == true { return (.success, nil, true) }
        if request.policyReject == true || failType == "policy" {
            return (.locked, "refused by the policy server", false)
        }
        switch failType {
        case "internal": return (.failure, "dovecot internal failure", false)
        case "expired": return (.expired, "the password has expired", false)
        case "disabled": return (.locked, "disabled in dovecot", false)
        case "account": return (.unknownUser, nil, true)
        default:
            // Dovecot 2.3 sends no failure type: the store tells an unknown account.
            if standing == .unknown { return (.unknownUser, nil, true) }
            return (.failure, failType.isEmpty ? nil : failType, true)
        }
    }

    /// The tracker's fingerprint of a reported attempt. Without a hash (an operator's
    /// attributes may leave it out) every failure is distinct.
    private func fingerprint(account: String, request: DovecotPolicyRequest) -> Data {
        guard let hash = Self.nonEmpty(request.pwhash) else { return Data(UUID().uuidString.utf8) }
        return handler.tracker.fingerprint(account: account, password: Secret("dovecot-policy-hash:\(hash)"))
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
