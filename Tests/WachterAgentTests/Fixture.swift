import Foundation
import InMemoryLogging
import Logging
import NIOCore
import NIOPosix
import WachterAgent
import WachterCore

/// The password every test uses; it must never appear in the store, a log or any output.
let canary = "Canary-Wachter-7f3a-kaas"

/// A store with one customer and accounts, in a temporary directory.
struct Fixture {
    let directory: String
    let store: SQLiteStore
    let service: WachterServices
    let logs: InMemoryLogHandler

    init(clock: any WachterClock = SystemClock(), lockout: LockoutSettings = LockoutSettings()) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wachter-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        store = try SQLiteStore(path: directory + "/wachter.sqlite", create: true)
        let logs = InMemoryLogHandler()
        var handler = logs
        handler.logLevel = .trace
        self.logs = logs
        let logger = Logger(label: "test") { _ in handler }
        // The cheapest yescrypt cost keeps the tests fast; the cost does not change what is tested.
        service = WachterServices(
            context: ServiceContext(
                store: store, hasher: try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 1)),
                lockout: lockout, clock: clock, actor: "test", logger: logger))
        _ = try service.customers.add(id: "acme", name: "Acme")
    }

    @discardableResult
    func addMailbox(_ name: String, password: String = canary) throws -> Account {
        try service.accounts.add(name: name, kind: .mailbox, customerID: "acme", password: .given(Secret(password))).account
    }

    /// Every byte the test left behind: the store, its WAL, and the captured logs.
    func everything() throws -> Data {
        var data = Data()
        for suffix in ["", "-wal", "-shm"] {
            if let file = FileManager.default.contents(atPath: store.path + suffix) { data.append(file) }
        }
        for entry in logs.entries {
            data.append(Data("\(entry.message) \(entry.metadata) \(String(describing: entry.error))".utf8))
        }
        return data
    }

    func containsCanary(_ text: String = canary) throws -> Bool {
        try everything().range(of: Data(text.utf8)) != nil
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Runs an agent on a socket in the fixture's directory for the duration of `body`.
func withAgent<T>(
    _ fixture: Fixture, configuration: (inout AgentConfiguration) -> Void = { _ in },
    _ body: (String, AgentRequestHandler) async throws -> T
) async throws -> T {
    var settings = AgentConfiguration(socketPath: fixture.directory + "/agent.sock", socketGroup: nil, hashingThreads: 2)
    configuration(&settings)
    let pool = NIOThreadPool(numberOfThreads: settings.hashingThreads)
    pool.start()
    let recorder = LoginRecorder(logins: fixture.service.logins, logger: fixture.service.logger, pool: pool)
    let handler = AgentRequestHandler(services: fixture.service, configuration: settings, pool: pool, recorder: recorder)
    let (ready, signal) = AsyncStream.makeStream(of: Void.self)
    let server = AgentServer(
        configuration: settings, handler: handler, group: MultiThreadedEventLoopGroup.singleton,
        logger: fixture.service.logger, ready: signal)
    let path = settings.socketPath
    let result = try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        group.addTask { try await recorder.run() }
        var iterator = ready.makeAsyncIterator()
        _ = await iterator.next()
        defer { group.cancelAll() }
        let result = try await body(path, handler)
        try await recorder.flush()
        return result
    }
    try await pool.shutdownGracefully()
    return result
}

/// Sends raw bytes and reads whatever comes back until the agent closes.
func rawExchange(_ path: String, _ bytes: [UInt8], closeAfterSending: Bool = false) async throws -> [UInt8] {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(unixDomainSocketPath: path) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                    wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
            }
        }
    return try await channel.executeThenClose { inbound, outbound in
        try await outbound.write(ByteBuffer(bytes: bytes))
        if closeAfterSending {
            outbound.finish()
        }
        var received: [UInt8] = []
        for try await chunk in inbound { received += chunk.readableBytesView }
        return received
    }
}

extension AgentClient {
    func authenticate(_ user: String, _ password: String, source: String? = nil, service: String = "test") async throws
        -> AgentAnswer
    {
        try await send(
            AgentClient.frame(.authenticate, service: service, user: user, source: source, secrets: [Secret(password)]))
    }
}
