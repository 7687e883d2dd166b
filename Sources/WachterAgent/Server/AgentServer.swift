internal import Foundation
public import Logging
public import NIOCore
internal import NIOPosix
public import ServiceLifecycle
internal import UnixSignals
public import WachterCore

/// The agent: a Unix-socket server that answers the protocol of docs/PROTOCOL.md.
///
/// It runs as a `Service` under a `ServiceGroup`; on graceful shutdown it stops
/// accepting, lets each connection finish the request it is answering, and removes
/// its socket.
public final class AgentServer: Service, Sendable {
    /// The configuration.
    public let configuration: AgentConfiguration
    /// The request handler.
    public let handler: AgentRequestHandler
    private let group: any EventLoopGroup
    private let logger: Logger
    private let ready: AsyncStream<Void>.Continuation?

    private struct Connection: Sendable {
        var channel: NIOAsyncChannel<InboundFrame, AgentAnswer>
        var peer: PeerCredentials
    }

    /// Creates the server.
    ///
    /// - Parameters:
    ///   - configuration: The configuration.
    ///   - handler: The request handler.
    ///   - group: The event loops for the sockets.
    ///   - logger: The logger.
    ///   - ready: Told once the socket listens (tests wait on it).
    public init(
        configuration: AgentConfiguration, handler: AgentRequestHandler, group: any EventLoopGroup, logger: Logger,
        ready: AsyncStream<Void>.Continuation? = nil
    ) {
        self.configuration = configuration
        self.handler = handler
        self.group = group
        self.logger = logger
        self.ready = ready
    }

    /// Listens and serves until graceful shutdown or cancellation.
    ///
    /// - Throws: ``WachterError`` when the socket cannot be made.
    public func run() async throws {
        let path = configuration.socketPath
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            } catch {
                throw WachterError(
                    .agentUnavailable, "cannot create the socket's directory \(directory): \(FileAccess.reason(of: error))")
            }
        }
        let idle = configuration.idleTimeout
        // One event loop accepts, reads and writes every connection, and the tasks that
        // answer them run on it too: a request costs no hop between threads but the one
        // to the hashing pool and back (docs/BENCH-auth.md).
        let loop = group.next()
        let executor = EventLoopExecutor(loop)
        // Created 0600 under the umask, then opened to the group: never more open than intended.
        let server = try await AgentSystem.withUmask(0o177) {
            try await ServerBootstrap(group: loop)
                .serverChannelOption(.backlog, value: 256)
                .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true) { channel in
                    AgentSystem.peerCredentials(of: channel).flatMapThrowing { peer in
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(IdleStateHandler(readTimeout: idle))
                        try pipeline.addHandler(IdleCloser())
                        try pipeline.addHandler(ByteToMessageHandler(RequestFrameDecoder()))
                        try pipeline.addHandler(MessageToByteHandler(AnswerFrameEncoder()))
                        return Connection(
                            channel: try NIOAsyncChannel(wrappingChannelSynchronously: channel), peer: peer)
                    }
                }
        }
        let access = try secureSocket(path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        logger.info("agent listening", metadata: ["socket": "\(path)"])
        ready?.yield()
        try await withTaskExecutorPreference(executor) {
            try await withThrowingDiscardingTaskGroup { tasks in
                try await server.executeThenClose { connections in
                    // Graceful shutdown closes the listening socket, which ends this loop.
                    // (`cancelOnGracefulShutdown()` would pass every connection through a
                    // task on Swift's global pool: two thread hops per login.)
                    try await withGracefulShutdownHandler {
                        for try await connection in connections {
                            tasks.addTask { await self.serve(connection, access: access) }
                        }
                    } onGracefulShutdown: {
                        server.channel.close(promise: nil)
                    }
                }
            }
        }
        logger.info("agent stopped", metadata: ["socket": "\(path)"])
    }

    /// Gives the socket its group and mode; returns the access rule with that group's members added.
    private func secureSocket(_ path: String) throws -> PeerAccess {
        var access = configuration.access
        if let name = configuration.socketGroup {
            if let gid = AgentSystem.groupID(named: name) {
                if let problem = AgentSystem.changeGroup(path, to: gid) {
                    throw WachterError(.storeFailure, "cannot give the socket \(path) to group \(name)", cause: problem)
                }
                access.gids.insert(gid)
            } else {
                logger.info("socket group does not exist; the socket stays root's", metadata: ["group": "\(name)"])
            }
        }
        do {
            try FileManager.default.setAttributes([.posixPermissions: configuration.socketMode], ofItemAtPath: path)
        } catch {
            throw WachterError(.agentUnavailable, "cannot set the mode of the socket \(path): \(FileAccess.reason(of: error))")
        }
        return access
    }

    private func serve(_ connection: Connection, access: PeerAccess) async {
        let peer = connection.peer
        let channel = connection.channel.channel
        do {
            try await connection.channel.executeThenClose { inbound, outbound in
                let groups = peer.uid == 0 ? [] : AgentSystem.supplementaryGroups(of: peer.pid)
                guard access.permits(peer, supplementaryGroups: groups) else {
                    logger.info("peer denied", metadata: ["uid": "\(peer.uid)", "gid": "\(peer.gid)", "pid": "\(peer.pid)"])
                    try await outbound.write(AgentAnswer(.denied, "this user may not use the agent"))
                    return
                }
                // Graceful shutdown closes the connection's input: a wait for the next
                // request ends at once, an answer being made is still written.
                try await withGracefulShutdownHandler {
                    for try await frame in inbound {
                        switch frame {
                        case .request(let request):
                            try await outbound.write(await handler.answer(request))
                        case .malformed(let reason):
                            logger.info("malformed frame; closing", metadata: ["reason": "\(reason)", "pid": "\(peer.pid)"])
                            try await outbound.write(AgentAnswer(.error, reason))
                            return
                        case .truncated:
                            logger.info("connection closed mid-frame", metadata: ["pid": "\(peer.pid)"])
                            return
                        }
                    }
                } onGracefulShutdown: {
                    channel.close(mode: .input, promise: nil)
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}

/// Builds and runs the agent: the server and its login recorder under one `ServiceGroup`
/// that shuts down gracefully on SIGTERM and SIGINT.
public enum Agent {
    /// Runs the agent until SIGTERM or SIGINT.
    ///
    /// - Parameters:
    ///   - services: The services, with their change follow-up (re-export, cache flush).
    ///   - configuration: The configuration.
    ///   - logger: The logger.
    ///   - dovecotPolicy: Where to serve Dovecot's policy protocol too, if anywhere.
    ///   - heartbeat: How often the host registry is renewed (``HostFollower``).
    /// - Throws: ``WachterError`` when the socket cannot be made.
    public static func run(
        services: WachterServices, configuration: AgentConfiguration, logger: Logger,
        dovecotPolicy: DovecotPolicyConfiguration? = nil, heartbeat: Duration = .seconds(30)
    ) async throws {
        let pool = NIOThreadPool(numberOfThreads: configuration.hashingThreads)
        pool.start()
        // The store's writes (and their fsync) get a thread of their own, so that a
        // batch being committed never holds a hashing thread.
        let writer = NIOThreadPool(numberOfThreads: 1)
        writer.start()
        // One event loop serves the socket and runs the recorder's task: the recorder, woken
        // by a login, starts its batch after that login's answer is on its way.
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let recorder = LoginRecorder(
            logins: services.logins, logger: logger, pool: writer, executor: EventLoopExecutor(loop))
        let handler = AgentRequestHandler(services: services, configuration: configuration, pool: pool, recorder: recorder)
        let server = AgentServer(configuration: configuration, handler: handler, group: loop, logger: logger)
        // Dovecot's policy requests read the store on threads of their own, so that busy
        // hashing threads never hold them past Dovecot's timeout.
        let policyPool = dovecotPolicy.map { NIOThreadPool(numberOfThreads: $0.threads) }
        policyPool?.start()
        var members: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: recorder), .init(service: server),
            .init(
                service: HostFollower(
                    services: services, pool: NIOThreadPool.singleton, logger: logger, heartbeat: heartbeat)),
        ]
        if let dovecotPolicy, let policyPool {
            let responder = DovecotPolicyResponder(handler: handler, configuration: dovecotPolicy, pool: policyPool)
            members.append(
                .init(
                    service: DovecotPolicyServer(
                        responder: responder, group: MultiThreadedEventLoopGroup.singleton, logger: logger)))
        }
        // The group stops services in reverse order: the servers first, then the
        // recorder, which writes what is still queued.
        let group = ServiceGroup(
            configuration: .init(services: members, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            try? await policyPool?.shutdownGracefully()
            try? await pool.shutdownGracefully()
            try? await writer.shutdownGracefully()
            throw error
        }
        try await policyPool?.shutdownGracefully()
        try await pool.shutdownGracefully()
        try await writer.shutdownGracefully()
    }
}
