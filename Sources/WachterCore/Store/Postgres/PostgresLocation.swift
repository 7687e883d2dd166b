public import Foundation

/// A PostgreSQL store named by a libpq-style URL:
/// `postgresql://USER@HOST[:PORT][,HOST2[:PORT2]...]/DB?PARAMETER=VALUE&...`.
///
/// The parameters are libpq's: `host` (a Unix socket directory, or a comma-separated
/// list of them), `port`, `sslmode` (`disable`, `prefer`, `require`, `verify-full`),
/// `sslrootcert`, `passfile`, `connect_timeout` (seconds) and `target_session_attrs`
/// (`read-write`, the default, or `any`). A password in the URL is refused: it
/// would sit in argv, the environment and the shell's history. The password comes
/// from a pgpass file (``PgPass``).
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// One server to try: a TCP host and port, or a Unix socket directory and port.
    public struct Server: Sendable, Equatable, CustomStringConvertible {
        /// The host name or address, or the socket directory (starting with `/`).
        public var host: String
        /// The port (also the socket file's suffix, `.s.PGSQL.PORT`).
        public var port: Int
        /// Whether `host` is a Unix socket directory.
        public var isSocket: Bool { host.hasPrefix("/") }
        /// The socket file, for a socket directory.
        public var socketPath: String { host + "/.s.PGSQL.\(port)" }
        /// Names a server.
        ///
        /// - Parameters:
        ///   - host: The host name or address, or a socket directory.
        ///   - port: The port.
        public init(host: String, port: Int = 5432) {
            self.host = host
            self.port = port
        }

        /// `host:port`, or the socket file, for messages.
        public var description: String { isSocket ? socketPath : (host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)") }
    }

    /// How the connection is encrypted (libpq's `sslmode`).
    public enum SSLMode: String, Sendable, Equatable, CaseIterable {
        /// Never TLS.
        case disable
        /// TLS when the server offers it, without verifying the certificate.
        case prefer
        /// TLS always, without verifying the certificate.
        case require
        /// TLS always, the certificate verified against `sslrootcert` (or the system's roots) and the host name.
        case verifyFull = "verify-full"
    }

    /// The servers to try, in order.
    public var servers: [Server]
    /// The role to log in as.
    public var user: String
    /// The database.
    public var database: String
    /// The TLS mode; Unix sockets never use TLS.
    public var sslMode: SSLMode
    /// The CA file for `verify-full`.
    public var sslRootCert: String?
    /// The pgpass file named in the URL.
    public var passFile: String?
    /// How long connecting to one server may take, and the longest a query may wait.
    public var connectTimeout: TimeInterval
    /// Whether only a writable server (a primary) will do.
    public var requireWritable: Bool

    /// The URL without anything secret, for messages: `postgresql://user@host:port/db`.
    public var description: String {
        "postgresql://\(user)@" + servers.map(\.description).joined(separator: ",") + "/\(database)"
    }

    /// The default connect timeout, when the URL gives none.
    public static let defaultConnectTimeout: TimeInterval = 10

    /// Whether a store name is a PostgreSQL URL rather than a SQLite path.
    ///
    /// - Parameter name: The value of `--store` or `$WACHTER_STORE`.
    /// - Returns: Whether it starts with `postgresql://` or `postgres://`.
    public static func isURL(_ name: String) -> Bool {
        name.hasPrefix("postgresql://") || name.hasPrefix("postgres://")
    }

    /// Parses a URL.
    ///
    /// - Parameters:
    ///   - url: The URL.
    ///   - environment: Where the default user (`$USER`) comes from.
    /// - Throws: ``WachterError/Code/invalidInput`` with a sentence naming what is wrong.
    public init(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(WachterError) {
        guard let schemeEnd = url.range(of: "://"), Self.isURL(url) else {
            throw Self.invalid("it does not start with postgresql://")
        }
        var rest = String(url[schemeEnd.upperBound...])
        var query = ""
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = String(rest[..<mark])
        }
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[rest.index(after: slash)...])
            rest = String(rest[..<slash])
        }
        var user: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = String(rest[..<at])
            rest = String(rest[rest.index(after: at)...])
            if userInfo.contains(":") {
                throw Self.invalid(
                    "it holds a password; put the password in a pgpass file (passfile=, $PGPASSFILE or ~/.pgpass, mode 0600)")
            }
            user = try Self.decoded(userInfo, "user name")
        }
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try Self.decoded(String(parts[0]), "parameter name")
            let value = parts.count > 1 ? try Self.decoded(String(parts[1]), "value of \(key)") : ""
            guard Self.parameters.contains(key) else {
                throw Self.invalid(
                    "the parameter \(key) is not known; use \(Self.parameters.sorted().joined(separator: ", "))")
            }
            parameters[key] = value
        }
        if parameters["password"] != nil {
            throw Self.invalid("it holds a password; put the password in a pgpass file")
        }
        var defaultPort = 5432
        if let port = parameters["port"] { defaultPort = try Self.port(port) }
        var servers: [Server] = []
        for item in rest.split(separator: ",", omittingEmptySubsequences: true) {
            servers.append(try Self.server(String(item), defaultPort: defaultPort))
        }
        if let hosts = parameters["host"] {
            if !servers.isEmpty { throw Self.invalid("it names hosts both before the path and in host=") }
            for host in hosts.split(separator: ",", omittingEmptySubsequences: true) {
                servers.append(Server(host: String(host), port: defaultPort))
            }
        }
        if servers.isEmpty { servers = [Server(host: "/var/run/postgresql", port: defaultPort)] }
        self.servers = servers
        self.user = user ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        let database = try Self.decoded(path, "database name")
        self.database = database.isEmpty ? self.user : database
        guard !self.user.isEmpty, !self.user.contains("\0"), !self.database.contains("\0") else {
            throw Self.invalid("its user or database name is empty or holds a NUL")
        }
        let mode = parameters["sslmode"] ?? "prefer"
        guard let sslMode = SSLMode(rawValue: mode) else {
            throw Self.invalid(
                "sslmode=\(mode) is not supported; use \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.sslMode = sslMode
        sslRootCert = parameters["sslrootcert"]
        passFile = parameters["passfile"]
        if let timeout = parameters["connect_timeout"] {
            guard let seconds = Int(timeout), seconds > 0, seconds <= 3600 else {
                throw Self.invalid("connect_timeout=\(timeout) is not a number of seconds from 1 to 3600")
            }
            connectTimeout = TimeInterval(seconds)
        } else {
            connectTimeout = Self.defaultConnectTimeout
        }
        switch parameters["target_session_attrs"] ?? "read-write" {
        case "read-write": requireWritable = true
        case "any": requireWritable = false
        case let other: throw Self.invalid("target_session_attrs=\(other) is not supported; use read-write or any")
        }
    }

    private static let parameters: Set<String> = [
        "host", "port", "sslmode", "sslrootcert", "passfile", "connect_timeout", "target_session_attrs",
        "password", "application_name",
    ]

    private static func server(_ item: String, defaultPort: Int) throws(WachterError) -> Server {
        // [v6]:port, host:port, or host.
        if item.hasPrefix("[") {
            guard let close = item.firstIndex(of: "]") else { throw invalid("the host \(item) lacks its closing ]") }
            let host = String(item[item.index(after: item.startIndex)..<close])
            let after = item[item.index(after: close)...]
            if after.isEmpty { return Server(host: host, port: defaultPort) }
            guard after.hasPrefix(":") else { throw invalid("the host \(item) is malformed") }
            return Server(host: host, port: try port(String(after.dropFirst())))
        }
        let parts = item.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw invalid("the host \(item) is malformed; write an IPv6 address in brackets") }
        let host = try decoded(String(parts[0]), "host")
        guard !host.isEmpty else { throw invalid("a host in the list is empty") }
        return Server(host: host, port: parts.count == 2 ? try port(String(parts[1])) : defaultPort)
    }

    private static func port(_ text: String) throws(WachterError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else { throw invalid("the port \(text) is not from 1 to 65535") }
        return port
    }

    private static func decoded(_ text: String, _ what: String) throws(WachterError) -> String {
        guard let value = text.removingPercentEncoding else { throw invalid("its \(what) has a malformed %-escape") }
        return value
    }

    private static func invalid(_ reason: String) -> WachterError {
        WachterError(.invalidInput, "the store URL is not usable: \(reason)")
    }
}
