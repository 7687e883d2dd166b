import Foundation
import NIOCore
import NIOPosix
import Testing
import WachterAgent
import WachterCore

/// Runs the policy server on a loopback port the system picks, for the duration of `body`.
func withPolicyServer<T>(
    _ fixture: Fixture, lockout: LockoutSettings = LockoutSettings(),
    configuration: DovecotPolicyConfiguration = DovecotPolicyConfiguration(port: 0),
    _ body: (Int) async throws -> T
) async throws -> T {
    try await withPolicyResponder(fixture, lockout: lockout, configuration: configuration) { responder in
        let (ready, signal) = AsyncStream.makeStream(of: Int.self)
        let server = DovecotPolicyServer(
            responder: responder, group: MultiThreadedEventLoopGroup.singleton, logger: fixture.service.logger,
            ready: signal)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            var iterator = ready.makeAsyncIterator()
            let port = try #require(await iterator.next())
            defer { group.cancelAll() }
            return try await body(port)
        }
    }
}

/// Sends raw bytes to the port and reads until the server closes.
func httpExchange(_ port: Int, _ request: String) async throws -> String {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    return try await channel.executeThenClose { inbound, outbound in
        try await outbound.write(ByteBuffer(string: request))
        var received = ""
        for try await chunk in inbound { received += String(buffer: chunk) }
        return received
    }
}

/// A POST as Dovecot's http-client makes it, closing after the answer; like Dovecot, a
/// URL ending in `&` gets `command=…` appended, any other `?command=…`.
func policyPost(_ command: String, _ json: String, headers: [String] = [], path: String = "/") -> String {
    ([
        "POST \(path)\(path.hasSuffix("&") ? "" : "?")command=\(command) HTTP/1.1", "Host: 127.0.0.1",
        "Content-Type: application/json",
        "Content-Length: \(json.utf8.count)", "Connection: close",
    ] + headers).joined(separator: "\r\n") + "\r\n\r\n" + json
}

struct DovecotPolicyServerTests {
    @Test func allowAndReportAreAnsweredOverHTTP() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        try await withPolicyServer(fixture) { port in
            let allow = try await httpExchange(
                port,
                policyPost(
                    "allow", #"{"login":"info@example.nl","pwhash":"9a1","remote":"127.0.0.1","protocol":"imap","tls":false}"#))
            #expect(allow.hasPrefix("HTTP/1.1 200 OK"))
            #expect(allow.hasSuffix(#"{"status":0,"msg":""}"#))
            let report = try await httpExchange(
                port,
                policyPost(
                    "report",
                    #"{"login":"info@example.nl","pwhash":"9a1","remote":"127.0.0.1","protocol":"imap","fail_type":"credentials","success":false,"policy_reject":false,"tls":false}"#,
                    path: "/policy?x=1&"))
            #expect(report.hasPrefix("HTTP/1.1 200 OK"))
        }
        let events = try fixture.service.logins.events()
        #expect(events.count == 1)
        #expect(events.first?.result == .failure)
        #expect(events.first?.service == "imap")
    }

    @Test func theServerRefusesALockedAccountWithAMessage() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        try fixture.service.accounts.lock(account: "info@example.nl")
        try await withPolicyServer(fixture) { port in
            let answer = try await httpExchange(port, policyPost("allow", #"{"login":"info@example.nl"}"#))
            #expect(answer.hasSuffix(#"{"status":-1,"msg":"the account is locked; try again later"}"#))
        }
    }

    @Test(arguments: [
        "GET /?command=allow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "this is not http\r\n\r\n",
        policyPost("delete", "{}"),
        policyPost("allow", "{\"login\":"),
        policyPost("allow", "[]"),
        "POST /?command=allow HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n{",
        policyPost("allow", "{\"login\":\"" + String(repeating: "x", count: 20_000) + "\"}"),
    ])
    func malformedAndOversizedRequestsGet400AndTheServerKeepsServing(request: String) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        try await withPolicyServer(fixture) { port in
            let answer = try await httpExchange(port, request)
            #expect(answer.hasPrefix("HTTP/1.1 400"))
            let next = try await httpExchange(port, policyPost("allow", #"{"login":"info@example.nl"}"#))
            #expect(next.hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test func theAPIHeaderAndBasicCredentialsAreCheckedWhenConfigured() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let configuration = DovecotPolicyConfiguration(
            port: 0, apiHeader: .init(dovecotSetting: "X-API-Key: k3y"), basicCredentials: .init("dovecot:pa55"))
        let basic = "Authorization: Basic " + Data("dovecot:pa55".utf8).base64EncodedString()
        let wrongBasic = "Authorization: Basic " + Data("dovecot:pa56".utf8).base64EncodedString()
        let statuses = try await withPolicyServer(fixture, configuration: configuration) { port in
            let body = #"{"login":"info@example.nl"}"#
            var statuses: [String] = []
            for headers in [
                [], ["X-API-Key: k3y"], ["X-API-Key: k3z", basic], ["X-API-Key: k3y", wrongBasic], ["X-API-Key:  k3y", basic],
            ] {
                let answer = try await httpExchange(port, policyPost("allow", body, headers: headers))
                statuses.append(String(answer.prefix(12)))
            }
            return statuses
        }
        #expect(statuses == ["HTTP/1.1 401", "HTTP/1.1 401", "HTTP/1.1 401", "HTTP/1.1 401", "HTTP/1.1 200"])
    }

    @Test func aKeptAliveConnectionIsAnsweredRequestByRequest() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        try await withPolicyServer(fixture) { port in
            let body = #"{"login":"info@example.nl"}"#
            let keepAlive =
                "POST /?command=allow HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            let answer = try await httpExchange(port, keepAlive + keepAlive + policyPost("allow", body))
            #expect(answer.components(separatedBy: "HTTP/1.1 200 OK").count == 4)
        }
    }

    @Test func manyConcurrentRequestsAreAllAnswered() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        try await withPolicyServer(fixture) { port in
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let command = index % 2 == 0 ? "allow" : "report"
                        let body = #"{"login":"info@example.nl","pwhash":"\#(index)","success":true,"remote":"127.0.0.1"}"#
                        return try await httpExchange(port, policyPost(command, body))
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.hasPrefix("HTTP/1.1 200 OK") })
        }
        #expect(try fixture.service.logins.events().count == 100)
    }
}
