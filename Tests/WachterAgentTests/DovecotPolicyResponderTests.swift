import Foundation
import NIOPosix
import Testing
import WachterAgent
import WachterCore

/// Runs a responder over the fixture's store, with the agent's handler, tracker and recorder.
func withPolicyResponder<T>(
    _ fixture: Fixture, lockout: LockoutSettings = LockoutSettings(),
    configuration: DovecotPolicyConfiguration = DovecotPolicyConfiguration(port: 0),
    _ body: (DovecotPolicyResponder) async throws -> T
) async throws -> T {
    let settings = AgentConfiguration(
        socketPath: fixture.directory + "/agent.sock", socketGroup: nil, lockout: lockout, hashingThreads: 2)
    let pool = NIOThreadPool(numberOfThreads: 2)
    pool.start()
    let policyPool = NIOThreadPool(numberOfThreads: 1)
    policyPool.start()
    let recorder = LoginRecorder(logins: fixture.service.logins, logger: fixture.service.logger, pool: pool)
    let handler = AgentRequestHandler(services: fixture.service, configuration: settings, pool: pool, recorder: recorder)
    let responder = DovecotPolicyResponder(handler: handler, configuration: configuration, pool: policyPool)
    let result: T
    do {
        result = try await body(responder)
        try await recorder.flush()
    } catch {
        try? await policyPool.shutdownGracefully()
        try? await pool.shutdownGracefully()
        throw error
    }
    try await policyPool.shutdownGracefully()
    try await pool.shutdownGracefully()
    return result
}

/// A report as Dovecot 2.4 sends it after a login.
func policyReport(
    _ login: String, success: Bool, pwhash: String = "abc", remote: String = "192.0.2.9", failType: String? = nil,
    policyReject: Bool = false
) -> DovecotPolicyRequest {
    DovecotPolicyRequest(
        login: login, pwhash: pwhash, remote: remote, protocol: "imap", sessionID: "s1",
        failType: failType ?? (success ? "" : "credentials"), success: success, policyReject: policyReject, tls: false)
}

struct DovecotPolicyResponderTests {
    @Test func reportsAreRecordedAsLoginEventsOfTheProtocol() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        try await withPolicyResponder(fixture) { responder in
            try await responder.report(policyReport("info@example.nl", success: true))
            try await responder.report(policyReport("info@example.nl", success: false, remote: "198.51.100.4"))
            // Dovecot 2.3 sends no fail_type: the store tells an unknown account.
            var unknown = policyReport("nobody@example.nl", success: false)
            unknown.failType = nil
            try await responder.report(unknown)
            try await responder.report(policyReport("info@example.nl", success: false, failType: "policy", policyReject: true))
        }
        let events = try fixture.service.logins.events()
        #expect(events.count == 4)
        #expect(Set(events.map(\.service)) == ["imap"])
        #expect(events.map(\.result).sorted { $0.rawValue < $1.rawValue } == [.failure, .locked, .success, .unknownUser])
        #expect(events.first { $0.result == .failure }?.source == "198.51.100.4")
        #expect(events.first { $0.result == .failure }?.reason == "credentials")
        #expect(try fixture.service.accounts.account(named: "info@example.nl").lastLogin != nil)
    }

    @Test func distinctReportedFailuresLockTheAccountAndAllowThenRefuses() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        try await withPolicyResponder(fixture, lockout: LockoutSettings(failures: 3, sourceFailures: 50)) { responder in
            let ask = DovecotPolicyRequest(login: "info@example.nl", pwhash: "123", remote: "192.0.2.9", protocol: "imap")
            #expect(try await responder.allow(ask) == .allow)
            for hash in ["a01", "a02", "a03"] {
                try await responder.report(policyReport("info@example.nl", success: false, pwhash: hash))
            }
            let answer = try await responder.allow(ask)
            #expect(answer.status == -1)
            #expect(answer.message.contains("locked"))
        }
        #expect(try fixture.service.audit.trail().contains { $0.action == "lockout" })
        try fixture.service.accounts.unlock(account: "info@example.nl")
        try await withPolicyResponder(fixture) { responder in
            let answer = try await responder.allow(DovecotPolicyRequest(login: "info@example.nl"))
            #expect(answer == .allow)
        }
    }

    @Test func theSameWrongPasswordAgainCountsOnce() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        try await withPolicyResponder(fixture, lockout: LockoutSettings(failures: 3, sourceFailures: 50)) { responder in
            for _ in 0..<6 { try await responder.report(policyReport("info@example.nl", success: false, pwhash: "7e2")) }
            #expect(try await responder.allow(DovecotPolicyRequest(login: "info@example.nl")) == .allow)
            let counts = responder.handler.tracker.recentFailures(account: "info@example.nl", source: nil, at: Date())
            #expect(counts.account == 1)
        }
        #expect(try fixture.service.logins.events().count == 6)
        #expect(try !fixture.service.audit.trail().contains { $0.action == "lockout" })
    }

    @Test func aThrottledAddressIsRefusedAndAnotherIsNot() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        for name in ["a@example.nl", "b@example.nl", "c@example.nl"] { try fixture.addMailbox(name) }
        try await withPolicyResponder(fixture, lockout: LockoutSettings(failures: 10, sourceFailures: 3)) { responder in
            for name in ["a@example.nl", "b@example.nl", "c@example.nl"] {
                try await responder.report(policyReport(name, success: false, remote: "203.0.113.66"))
            }
            let fromAttacker = try await responder.allow(DovecotPolicyRequest(login: "a@example.nl", remote: "203.0.113.66"))
            #expect(fromAttacker.status == -1)
            #expect(fromAttacker.message.contains("this address"))
            #expect(try await responder.allow(DovecotPolicyRequest(login: "a@example.nl", remote: "192.0.2.1")) == .allow)
        }
    }

    @Test func aTarpitIsAskedForAfterFailuresAndDropsAfterASuccess() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        let configuration = DovecotPolicyConfiguration(port: 0, tarpitAfter: 2, tarpitSeconds: 3)
        try await withPolicyResponder(fixture, configuration: configuration) { responder in
            let ask = DovecotPolicyRequest(login: "info@example.nl", remote: "192.0.2.9")
            try await responder.report(policyReport("info@example.nl", success: false, pwhash: "001"))
            #expect(try await responder.allow(ask) == .allow)
            try await responder.report(policyReport("info@example.nl", success: false, pwhash: "002"))
            #expect(try await responder.allow(ask).status == 3)
            try await responder.report(policyReport("info@example.nl", success: true, remote: "192.0.2.10"))
            #expect(try await responder.allow(DovecotPolicyRequest(login: "info@example.nl")) == .allow)
        }
    }

    @Test func aMustChangeAccountIsRefused() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        _ = try fixture.service.accounts.reset(account: "info@example.nl")
        try await withPolicyResponder(fixture) { responder in
            let answer = try await responder.allow(DovecotPolicyRequest(login: "info@example.nl"))
            #expect(answer == DovecotPolicyAnswer(status: -1, message: "the password must be changed"))
        }
    }

    @Test func refusalsAndInternalFailuresAreRecordedButNotCounted() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        try await withPolicyResponder(fixture, lockout: LockoutSettings(failures: 2, sourceFailures: 2)) { responder in
            for index in 0..<4 {
                try await responder.report(
                    policyReport("info@example.nl", success: false, pwhash: "f0\(index)", failType: "policy", policyReject: true))
                try await responder.report(
                    policyReport("info@example.nl", success: false, pwhash: "e0\(index)", failType: "internal"))
            }
            #expect(try await responder.allow(DovecotPolicyRequest(login: "info@example.nl", remote: "192.0.2.9")) == .allow)
        }
        #expect(try fixture.service.logins.events().count == 8)
        #expect(try fixture.service.accounts.account(named: "info@example.nl").failures == 0)
    }
}
