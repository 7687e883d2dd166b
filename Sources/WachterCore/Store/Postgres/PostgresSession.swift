internal import Foundation
internal import Logging
internal import NIOCore
internal import NIOPosix
internal import NIOSSL
internal import PostgresNIO

/// One connection to a PostgreSQL server, used synchronously: the store's contract
/// is synchronous (its closures run on the caller's thread), so each query waits
/// for its future, with a deadline, on a thread that is never the connection's
/// event loop (``PostgresSession/eventLoops`` belongs to the store alone).
final class PostgresSession: Sendable {
    /// The event loop every store connection runs on; never the agent's or anyone else's,
    /// so that a thread waiting on a query can never be the thread that must answer it.
    static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    let connection: PostgresConnection
    let server: PostgresLocation.Server
    let queryTimeout: TimeAmount
    let connectTimeout: TimeAmount
    private let logger: Logger

    private init(
        connection: PostgresConnection, server: PostgresLocation.Server, connectTimeout: TimeAmount, logger: Logger
    ) {
        self.connection = connection
        self.server = server
        self.connectTimeout = connectTimeout
        // A statement may take longer than a connect (the weekly report on a large store).
        self.queryTimeout = max(connectTimeout, .seconds(120))
        self.logger = logger
    }

    /// Whether the connection is gone (the server closed it, or a timeout did).
    var isClosed: Bool { connection.isClosed }

    /// Connects to the first server of the location that answers within the connect
    /// timeout and, when the location asks for it, accepts writes (libpq's
    /// `target_session_attrs=read-write`).
    ///
    /// - Parameters:
    ///   - location: The store URL.
    ///   - logger: The logger.
    /// - Returns: The session.
    /// - Throws: ``WachterError/Code/storeUnavailable`` naming each server and why it was passed over;
    ///   a pgpass file's error as it is.
    static func connect(to location: PostgresLocation, logger: Logger) throws -> PostgresSession {
        var reasons: [String] = []
        for server in location.servers {
            let password = try PgPass.password(for: location, server: server)
            var configuration: PostgresConnection.Configuration
            if server.isSocket {
                configuration = .init(
                    unixSocketPath: server.socketPath, username: location.user, password: password,
                    database: location.database)
            } else {
                configuration = .init(
                    host: server.host, port: server.port, username: location.user, password: password,
                    database: location.database, tls: try tls(location))
            }
            let timeout = TimeAmount.milliseconds(Int64(location.connectTimeout * 1000))
            configuration.options.connectTimeout = timeout
            configuration.options.additionalStartupParameters = [("application_name", "wachter")]
            let loop = eventLoops.next()
            let connecting = PostgresConnection.connect(
                on: loop, configuration: configuration, id: Int.random(in: 1...Int.max), logger: logger)
            let connection: PostgresConnection
            do {
                connection = try wait(for: connecting, on: loop, timeout: timeout + .seconds(1))
            } catch {
                reasons.append("\(server): \(describe(error, timeout: location.connectTimeout))")
                continue
            }
            let session = PostgresSession(connection: connection, server: server, connectTimeout: timeout, logger: logger)
            if location.requireWritable {
                do {
                    let answer = try session.query("SHOW transaction_read_only")
                    let readOnly = try answer.first.map { try $0.decode(String.self) } ?? "off"
                    guard readOnly == "off" else {
                        session.close()
                        reasons.append("\(server): read-only (a standby)")
                        continue
                    }
                } catch {
                    session.close()
                    reasons.append("\(server): \(describe(error, timeout: location.connectTimeout))")
                    continue
                }
            }
            return session
        }
        throw WachterError(
            .storeUnavailable, "cannot reach the store \(location)", cause: reasons.joined(separator: "; "))
    }

    /// Runs one statement and collects its rows.
    ///
    /// - Parameter query: The statement, its values bound.
    /// - Returns: The rows.
    /// - Throws: The driver's error; a timeout closes the connection.
    @discardableResult
    func query(_ query: PostgresQuery, timeout: TimeAmount? = nil) throws -> PostgresQueryResult {
        let loop = connection.eventLoop
        do {
            return try Self.wait(for: connection.query(query, logger: logger), on: loop, timeout: timeout ?? queryTimeout)
        } catch let error as TimedOut {
            close()
            throw error
        }
    }

    /// Closes the connection and waits until it is closed (postgres-nio requires a
    /// connection to be closed before it is released).
    func close() {
        guard !connection.isClosed else { return }
        _ = try? Self.wait(for: connection.close(), on: connection.eventLoop, timeout: .seconds(5))
    }

    deinit { close() }

    /// The deadline of a wait passed.
    struct TimedOut: Error {}

    /// Waits for a future on a thread that is not its event loop, for at most `timeout`.
    static func wait<T: Sendable>(for future: EventLoopFuture<T>, on loop: any EventLoop, timeout: TimeAmount) throws -> T {
        let promise = loop.makePromise(of: T.self)
        future.cascade(to: promise)
        let deadline = loop.scheduleTask(in: timeout) { promise.fail(TimedOut()) }
        defer { deadline.cancel() }
        return try promise.futureResult.wait()
    }

    /// The TLS settings for a TCP server under the URL's sslmode.
    private static func tls(_ location: PostgresLocation) throws -> PostgresConnection.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch location.sslMode {
        case .disable:
            return .disable
        case .prefer, .require:
            // libpq's prefer and require encrypt without verifying; verify-full verifies.
            configuration.certificateVerification = .none
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
            if let file = location.sslRootCert {
                try FileAccess.checkReadable(file, what: "sslrootcert file")
                configuration.trustRoots = .file(file)
            }
        }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw WachterError(.storeFailure, "cannot set up TLS for the store \(location)", cause: "\(error)")
        }
        return location.sslMode == .prefer ? .prefer(context) : .require(context)
    }

    /// A sentence for why a connection or query failed, without anything secret.
    static func describe(_ error: any Error, timeout: TimeInterval) -> String {
        if error is TimedOut { return "no answer within \(Int(timeout)) s" }
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                let state = info[.sqlState] ?? "?"
                let message = info[.message] ?? "error"
                return "\(message) (SQLSTATE \(state))"
            }
            if let underlying = error.underlying { return describe(underlying, timeout: timeout) }
            switch error.code {
            case .serverClosedConnection, .uncleanShutdown: return "the server closed the connection"
            case .sslUnsupported: return "the server does not offer TLS, and sslmode requires it"
            case .authMechanismRequiresPassword: return "the server asks for a password and no pgpass line matches"
            default: return "\(error.code)"
            }
        }
        if let error = error as? IOError { return FileAccess.reason(errno: error.errnoCode) }
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first { return describe(first.error, timeout: timeout) }
            if let dns = error.dnsAAAAError ?? error.dnsAError { return "the name does not resolve (\(dns))" }
            return "cannot connect"
        }
        if let error = error as? ChannelError, case .connectTimeout = error { return "no answer within \(Int(timeout)) s" }
        if let error = error as? NIOSSLError { return "TLS failed (\(error))" }
        if let error = error as? BoringSSLError { return "TLS failed (\(error))" }
        return "\(error)"
    }
}
