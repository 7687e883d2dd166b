import Foundation
import Glibc
import InMemoryLogging
import NIOCore
import NIOPosix
import ServiceLifecycleTestKit
import Testing
import WachterCore

@testable import WachterAgent

/// The agent over a real Unix socket in a temporary directory.
struct AgentServerTests {
    @Test func rightWrongAndUnknownAreAnsweredAndRecorded() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        try await withAgent(fixture) { path, _ in
            let client = AgentClient(socketPath: path)
            do {
                let answer = try await client.authenticate("info@example.nl", canary, source: "192.0.2.1").code
                #expect(answer == .success)
            }
            do {
                let answer = try await client.authenticate("info@example.nl", "wrong-password-1").code
                #expect(answer == .failure)
            }
            do {
                let answer = try await client.authenticate("nobody@example.nl", canary).code
                #expect(answer == .unknownUser)
            }
        }
        let events = try fixture.service.logins.events()
        #expect(Set(events.map(\.result)) == [.success, .failure, .unknownUser])
        #expect(events.first { $0.result == .success }?.source == "192.0.2.1")
        #expect(try !fixture.containsCanary())
    }

    @Test(arguments: ["info x@example.nl", "in:fo@example.nl", "jan x", "\u{202E}info@example.nl", "info@exa_mple.nl"])
    func aMalformedUserIsAnUnknownUserAndNothingIsRecorded(user: String) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        try await withAgent(fixture) { path, _ in
            let client = AgentClient(socketPath: path)
            let answer = try await client.authenticate(user, canary, source: "192.0.2.1")
            #expect(answer.code == .unknownUser, "\(answer.reason)")
            let status = try await client.send(AgentClient.frame(.status, service: "test", user: user))
            #expect(status.code == .unknownUser, "\(status.reason)")
        }
        #expect(try fixture.service.logins.events().isEmpty)
        #expect(try fixture.service.audit.verify() == .intact(count: 2))
    }

    @Test func manyClientsAtOnceAreAllAnswered() async throws {
        // Twelve distinct wrong passwords would pass the default threshold of ten in some
        // orders; this test is about answering every client, so the lockout stays out of it:
        // the agent's threshold and the kind's (the lower one counts) are both 100.
        let fixture = try Fixture(lockout: LockoutSettings(failures: 100))
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        let codes = try await withAgent(fixture, configuration: { $0.lockout = LockoutSettings(failures: 100) }) { path, _ in
            try await withThrowingTaskGroup(of: AnswerCode.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        try await AgentClient(socketPath: path).authenticate(
                            "info@example.nl", index % 2 == 0 ? canary : "nope-\(index)"
                        ).code
                    }
                }
                return try await group.reduce(into: [AnswerCode]()) { $0.append($1) }
            }
        }
        #expect(codes.filter { $0 == .success }.count == 12)
        #expect(codes.filter { $0 == .failure || $0 == .locked }.count == 12)
        #expect(try fixture.service.logins.events().count == 24)
        #expect(try !fixture.containsCanary())
    }

    @Test func garbageIsAnsweredWithAnErrorAndTheAgentKeepsServing() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        try await withAgent(fixture) { path, _ in
            let garbage = try await rawExchange(path, Array("GET / HTTP/1.0\r\n\r\n".utf8))
            var buffer = ByteBuffer(bytes: garbage)
            let answer = try #require(try FrameCodec.decodeAnswer(from: &buffer))
            #expect(answer.code == .error)
            #expect(answer.reason.contains("unsupported protocol version 71"))
            #expect(buffer.readableBytes == 0)

            let oversized = try await rawExchange(path, [1, 0, 1, 0, 0] + [UInt8](repeating: 0x41, count: 100))
            buffer = ByteBuffer(bytes: oversized)
            #expect(try FrameCodec.decodeAnswer(from: &buffer)?.reason.contains("exceeds the limit of 8192") == true)

            let truncated = try await rawExchange(path, [1, 0, 0, 0, 40, 1, 0, 4], closeAfterSending: true)
            #expect(truncated.isEmpty)

            do {
                let answer = try await AgentClient(socketPath: path).authenticate("info@example.nl", canary).code
                #expect(answer == .success)
            }
        }
        #expect(fixture.logs.entries.contains { "\($0.message)".contains("mid-frame") })
    }

    @Test func severalRequestsShareOneConnection() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        let answers = try await withAgent(fixture) { path, _ in
            try await AgentClient(socketPath: path).send([
                AgentClient.frame(.authenticate, service: "imap", user: "info@example.nl", secrets: [Secret(canary)]),
                AgentClient.frame(.status, service: "imap", user: "info@example.nl"),
                AgentClient.frame(.sessionOpen, service: "imap", user: "info@example.nl"),
                AgentClient.frame(.sessionClose, service: "imap", user: "nobody@example.nl"),
            ])
        }
        #expect(answers.map(\.code) == [.success, .success, .success, .unknownUser])
    }

    @Test func distinctFailuresLockTheAccountButRepeatsCountOnce() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        try await withAgent(fixture, configuration: { $0.lockout = LockoutSettings(failures: 3, sourceFailures: 50) }) {
            path, _ in
            let client = AgentClient(socketPath: path)
            for _ in 0..<5 {
                do {
                    let answer = try await client.authenticate("info@example.nl", "the-old-password").code
                    #expect(answer == .failure)
                }
            }
            do {
                let answer = try await client.authenticate("info@example.nl", canary).code
                #expect(answer == .success)
            }
            do {
                let answer = try await client.authenticate("info@example.nl", "guess-1").code
                #expect(answer == .failure)
            }
            do {
                let answer = try await client.authenticate("info@example.nl", "guess-2").code
                #expect(answer == .failure)
            }
            do {
                let answer = try await client.authenticate("info@example.nl", "guess-3").code
                #expect(answer == .failure)
            }
            do {
                let answer = try await client.authenticate("info@example.nl", canary).code
                #expect(answer == .locked)
            }
        }
        #expect(try fixture.service.accounts.standing(account: "info@example.nl") == .locked)
        #expect(try fixture.service.audit.trail().contains { $0.action == "lockout" })
    }

    @Test func aThrottledSourceDoesNotLockTheUserOutElsewhere() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        try await withAgent(fixture, configuration: { $0.lockout = LockoutSettings(failures: 10, sourceFailures: 3) }) {
            path, _ in
            let client = AgentClient(socketPath: path)
            for guess in ["a-guess", "b-guess", "c-guess"] {
                do {
                    let answer = try await client.authenticate("info@example.nl", guess, source: "198.51.100.7").code
                    #expect(answer == .failure)
                }
            }
            do {
                let answer = try await client.authenticate("info@example.nl", canary, source: "198.51.100.7").code
                #expect(answer == .locked)
            }
            do {
                let answer = try await client.authenticate("info@example.nl", canary, source: "203.0.113.5").code
                #expect(answer == .success)
            }
        }
        let throttled = try fixture.service.logins.events().filter { $0.result == .locked }
        #expect(throttled.count == 1)
        #expect(throttled.first?.reason?.contains("this address") == true)
        #expect(try fixture.service.accounts.standing(account: "info@example.nl") == .good)
    }

    @Test func aLegacyHashIsReplacedAtTheNextLogin() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        let legacy = try PasswordHasher(policy: HashingPolicy(method: .sha512crypt)).hash(Secret(canary))
        try fixture.store.write { writer in
            var account = try #require(try writer.account(named: "info@example.nl"))
            account.hash = legacy
            try writer.update(account)
        }
        try await withAgent(fixture) { path, _ in
            do {
                let answer = try await AgentClient(socketPath: path).authenticate("info@example.nl", canary).code
                #expect(answer == .success)
            }
        }
        let hash = try fixture.store.read { try $0.account(named: "info@example.nl")?.hash }
        #expect(hash?.hasPrefix("$y$") == true)
        do {
            let answer = try await withAgent(fixture) { path, _ in
                try await AgentClient(socketPath: path).authenticate("info@example.nl", canary).code
            }
            #expect(answer == .success)
        }
    }

    @Test func aMustChangeAccountIsExpiredAndCanChangeItsPassword() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        let temporary = try fixture.service.accounts.reset(account: "info@example.nl")
        let temporaryText = temporary.withBytes { String(decoding: $0, as: UTF8.self) }
        try await withAgent(fixture) { path, _ in
            let client = AgentClient(socketPath: path)
            do {
                let answer = try await client.authenticate("info@example.nl", temporaryText).code
                #expect(answer == .expired)
            }
            do {
                let answer = try await client.send(AgentClient.frame(.status, service: "sshd", user: "info@example.nl")).code
                #expect(answer == .expired)
            }
            let short = try await client.send(
                AgentClient.frame(
                    .changePassword, service: "sshd", user: "info@example.nl", secrets: [temporary, Secret("short")]))
            #expect(short.code == .policyRefused)
            #expect(short.reason.contains("at least"))
            let wrong = try await client.send(
                AgentClient.frame(
                    .changePassword, service: "sshd", user: "info@example.nl", secrets: [Secret("not-it-at-all"), Secret(canary)])
            )
            #expect(wrong.code == .failure)
            let changed = try await client.send(
                AgentClient.frame(
                    .changePassword, service: "sshd", user: "info@example.nl", secrets: [temporary, Secret(canary + "-new")]))
            #expect(changed.code == .success)
            do {
                let answer = try await client.authenticate("info@example.nl", canary + "-new").code
                #expect(answer == .success)
            }
        }
        #expect(try !fixture.containsCanary())
    }

    /// The agent answers a denied peer without waiting for its request and closes; a client
    /// whose send comes after that close still reads the answer (CI saw "I/O on closed channel").
    @Test func aPeerThatIsNotAllowedIsDeniedEvenWhenItSendsAfterTheAgentClosed() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        try await withAgent(
            fixture, configuration: { $0.access = PeerAccess(allowRoot: false, uids: [getuid() == 0 ? 4242 : 0]) }
        ) { path, _ in
            let client = AgentClient(socketPath: path)
            #expect(try await client.authenticate("info@example.nl", canary).code == .denied)
            let connection = try UnixSocketConnection(path: path, timeout: .seconds(10))
            try await Task.sleep(for: .milliseconds(300))
            let frame = try AgentClient.frame(.authenticate, service: "imap", user: "info@example.nl", secrets: [Secret(canary)])
            #expect(try client.exchange([frame], over: connection).map(\.code) == [.denied])
        }
        #expect(try fixture.service.logins.events().isEmpty)
    }

    @Test func gracefulShutdownEndsAnIdleConnectionAndRemovesTheSocket() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        // An idle limit far beyond the test's: only the shutdown can end the connection.
        let settings = AgentConfiguration(
            socketPath: fixture.directory + "/agent.sock", socketGroup: nil, hashingThreads: 1, idleTimeout: .seconds(600))
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let recorder = LoginRecorder(logins: fixture.service.logins, logger: fixture.service.logger, pool: pool)
        let handler = AgentRequestHandler(services: fixture.service, configuration: settings, pool: pool, recorder: recorder)
        let (ready, signal) = AsyncStream.makeStream(of: Void.self)
        let server = AgentServer(
            configuration: settings, handler: handler, group: MultiThreadedEventLoopGroup.singleton,
            logger: fixture.service.logger, ready: signal)
        let waited = try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await server.run() }
                var readiness = ready.makeAsyncIterator()
                _ = await readiness.next()
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(unixDomainSocketPath: settings.socketPath) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                        }
                    }
                let waited = try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(
                        AgentClient.frame(.authenticate, service: "test", user: "info@example.nl", secrets: [Secret(canary)]))
                    var chunks = inbound.makeAsyncIterator()
                    var answer = try #require(try await chunks.next())
                    #expect(try FrameCodec.decodeAnswer(from: &answer)?.code == .success)
                    // The connection stays open and idle: the shutdown must close it.
                    let start = ContinuousClock.now
                    trigger.triggerGracefulShutdown()
                    while try await chunks.next() != nil {}
                    return ContinuousClock.now - start
                }
                try await tasks.next()
                return waited
            }
        }
        try await recorder.flush()
        try await pool.shutdownGracefully()
        #expect(waited < .seconds(10))
        #expect(!FileManager.default.fileExists(atPath: settings.socketPath))
        #expect(try fixture.service.logins.events().map(\.result) == [.success])
    }

    @Test func theSocketIsCreatedWithTheConfiguredMode() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let mode = try await withAgent(fixture) { path, _ in
            try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        }
        #expect(mode == 0o660)
    }

    @Test func throttledAttemptsAreRecordedInBatchesWithNothingLost() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.addMailbox("info@example.nl")
        let sent = 2_000
        try await withAgent(fixture, configuration: { $0.lockout = LockoutSettings(failures: 100, sourceFailures: 1) }) {
            path, _ in
            let client = AgentClient(socketPath: path)
            do {
                let answer = try await client.authenticate("info@example.nl", "wrong-one", source: "198.51.100.9").code
                #expect(answer == .failure)
            }
            let frames = try (0..<sent).map { _ in
                try AgentClient.frame(
                    .authenticate, service: "test", user: "info@example.nl", source: "198.51.100.9", secrets: [Secret(canary)])
            }
            let answers = try await client.send(frames)
            #expect(answers.allSatisfy { $0.code == .locked })
        }
        #expect(try fixture.service.logins.events().filter { $0.result == .locked }.count == sent)
        #expect(try !fixture.containsCanary())
    }
}
