internal import Foundation
public import Logging
public import NIOCore
internal import NIOHTTP1
internal import NIOPosix
public import ServiceLifecycle
internal import WachterCore

/// Dovecot's authentication policy server: HTTP/1.1 on TCP (loopback by default),
/// `POST …?command=allow` and `POST …?command=report` with a JSON body, answered with
/// `{"status":N,"msg":"…"}` (Dovecot's `src/auth/auth-policy.c`).
///
/// It runs as a `Service` beside the agent's Unix-socket server. A request that is not
/// HTTP, not a POST, has an unknown command, is not a JSON object or is larger than
/// ``DovecotPolicyConfiguration/maximumBody`` gets a 400 and the connection is closed;
/// missing or wrong credentials get a 401. Nothing of a body is ever logged.
public final class DovecotPolicyServer: Service, Sendable {
    /// The responder.
    public let responder: DovecotPolicyResponder
    private let group: any EventLoopGroup
    private let logger: Logger
    private let ready: AsyncStream<Int>.Continuation?

    /// Creates the server.
    ///
    /// - Parameters:
    ///   - responder: The responder.
    ///   - group: The event loops for the sockets.
    ///   - logger: The logger.
    ///   - ready: Told the bound port once the server listens (tests bind port 0 and wait on it).
    public init(
        responder: DovecotPolicyResponder, group: any EventLoopGroup, logger: Logger,
        ready: AsyncStream<Int>.Continuation? = nil
    ) {
        self.responder = responder
        self.group = group
        self.logger = logger
        self.ready = ready
    }

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Listens and serves until graceful shutdown or cancellation.
    ///
    /// - Throws: ``WachterError`` when the address cannot be bound.
    public func run() async throws {
        let configuration = responder.configuration
        let idle = configuration.idleTimeout
        let server: NIOAsyncChannel<Connection, Never>
        do {
            server = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(IdleStateHandler(readTimeout: idle))
                        try pipeline.addHandler(IdleCloser())
                        // Answers 400 to anything that is not HTTP/1.x and closes.
                        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw WachterError(
                .storeFailure, "cannot listen for Dovecot's policy requests on \(configuration.host):\(configuration.port)",
                cause: "\(error)")
        }
        let port = server.channel.localAddress?.port ?? configuration.port
        logger.info("dovecot policy server listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        ready?.yield(port)
        try await withThrowingDiscardingTaskGroup { tasks in
            try await server.executeThenClose { connections in
                for try await connection in connections.cancelOnGracefulShutdown() {
                    tasks.addTask { await self.serve(connection) }
                }
            }
        }
        logger.info("dovecot policy server stopped", metadata: ["port": "\(port)"])
    }

    private func serve(_ connection: Connection) async {
        let limit = responder.configuration.maximumBody
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body = ByteBuffer()
                for try await part in inbound.cancelOnGracefulShutdown() {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body.clear()
                        if let length = requestHead.headers.first(name: "content-length").flatMap(Int.init), length > limit {
                            try await send(.badRequest, Self.error("the request is larger than \(limit) bytes"), to: outbound)
                            return
                        }
                    case .body(var chunk):
                        guard body.readableBytes + chunk.readableBytes <= limit else {
                            try await send(.badRequest, Self.error("the request is larger than \(limit) bytes"), to: outbound)
                            return
                        }
                        body.writeBuffer(&chunk)
                    case .end:
                        guard let requestHead = head else { return }
                        let (status, answer) = await respond(to: requestHead, body: body)
                        let keepAlive = requestHead.isKeepAlive && status.code < 400
                        try await send(status, answer, keepAlive: keepAlive, version: requestHead.version, to: outbound)
                        if !keepAlive { return }
                        head = nil
                    }
                }
            }
        } catch {
            logger.debug("policy connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// Checks the request and answers it; never throws, every fault is an HTTP status.
    private func respond(to head: HTTPRequestHead, body: ByteBuffer) async -> (HTTPResponseStatus, [UInt8]) {
        guard authorized(head.headers) else {
            logger.info("policy request without valid credentials", metadata: ["uri": "\(Self.path(head.uri))"])
            return (.unauthorized, Self.error("credentials required"))
        }
        guard head.method == .POST else { return (.badRequest, Self.error("only POST is answered")) }
        let command = Self.command(in: head.uri)
        guard command == "allow" || command == "report" else {
            return (.badRequest, Self.error("the command must be allow or report"))
        }
        let request: DovecotPolicyRequest
        do {
            request = try DovecotPolicyRequest.parse(body.readableBytesView)
        } catch {
            logger.info("malformed policy request", metadata: ["error": "\(error)"])
            return (.badRequest, Self.error("\(error)"))
        }
        do {
            if command == "allow" {
                return (.ok, try await responder.allow(request).json)
            }
            try await responder.report(request)
            return (.ok, DovecotPolicyAnswer.allow.json)
        } catch {
            logger.error("policy request failed", metadata: ["command": "\(command ?? "")", "error": "\(error)"])
            return (.internalServerError, Self.error("internal error; see the agent's log"))
        }
    }

    private func authorized(_ headers: HTTPHeaders) -> Bool {
        let configuration = responder.configuration
        if let expected = configuration.apiHeader {
            guard let given = headers.first(name: expected.name)?.trimmingCharacters(in: .whitespaces),
                expected.value.matches(given.utf8)
            else { return false }
        }
        if let expected = configuration.basicCredentials {
            guard let value = headers.first(name: "authorization"), value.lowercased().hasPrefix("basic "),
                let decoded = Data(base64Encoded: String(value.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                expected.matches(decoded)
            else { return false }
        }
        return true
    }

    private func send(
        _ status: HTTPResponseStatus, _ body: [UInt8], keepAlive: Bool = false, version: HTTPVersion = .http1_1,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: "\(body.count)")
        if status == .unauthorized && responder.configuration.basicCredentials != nil {
            headers.add(name: "WWW-Authenticate", value: "Basic realm=\"wachter\"")
        }
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        try await outbound.write(.head(HTTPResponseHead(version: version, status: status, headers: headers)))
        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
        try await outbound.write(.end(nil))
    }

    /// The value of `command` in the query (Dovecot appends `?command=…` or `&command=…`).
    static func command(in uri: String) -> String? {
        guard let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for item in query.split(separator: "&") where item.hasPrefix("command=") {
            return String(item.dropFirst("command=".count))
        }
        return nil
    }

    private static func path(_ uri: String) -> String {
        String(uri.prefix { $0 != "?" }.prefix(200))
    }

    private static func error(_ message: String) -> [UInt8] {
        DovecotPolicyAnswer(status: -1, message: message).json
    }
}
