public import WachterCore

/// Where to connect for a check: a host name or address and a TCP port.
public struct Endpoint: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A host name, an IPv4 address or an IPv6 address (without brackets).
    public var host: String
    /// The TCP port.
    public var port: UInt16

    /// Creates an endpoint.
    ///
    /// - Parameters:
    ///   - host: A host name or a numeric address, IPv6 without brackets.
    ///   - port: The TCP port.
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `HOST` (port 443, or `defaultPort`), `[IPv6]:PORT` or `[IPv6]`.
    ///
    /// - Parameters:
    ///   - text: What the operator typed after `--connect`.
    ///   - defaultPort: The port when the text names none: 443, or a STARTTLS protocol's.
    /// - Returns: nil when the host is empty or the port is not a number from 1 to 65535.
    public init?(parsing text: String, defaultPort: UInt16 = 443) {
        var host = Substring(text)
        var port: UInt16 = defaultPort
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = UInt16(rest.dropFirst()), value > 0 else { return nil }
                port = value
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard host.firstIndex(of: ":") == colon else {
                // A bare IPv6 address: no port.
                self.init(host: String(host), port: defaultPort)
                return
            }
            guard let value = UInt16(host[host.index(after: colon)...]), value > 0 else { return nil }
            port = value
            host = host[..<colon]
        }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace) else { return nil }
        self.init(host: String(host), port: port)
    }

    /// `host:port`, with brackets around an IPv6 address.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// What to check for one site.
public struct SiteCheckRequest: Sendable, Hashable, Codable {
    /// The site's domain in ASCII (IDNs as `xn--` punycode): the SNI name and the
    /// name the certificate must cover.
    public var domain: String
    /// Where to connect; nil means the domain itself on port 443.
    public var connect: Endpoint?
    /// The certificate file the web server uses (PEM, leaf first, intermediates after), if any.
    public var certFile: String?
    /// The private key file the web server uses (PEM), if any.
    public var keyFile: String?
    /// The plain-text protocol to speak before TLS starts, or nil for TLS at once
    /// (HTTPS, and the implicit TLS of IMAPS on 993, POP3S on 995 and SMTPS on 465).
    public var starttls: StartTLSProtocol?
    /// False to check only the certificate and key files, without any connection.
    public var connects: Bool

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - domain: The domain in ASCII; the caller validates it.
    ///   - connect: Where to connect, or nil for the domain on port 443.
    ///   - certFile: The site's certificate file, if the check should look at it.
    ///   - keyFile: The site's key file, if the check should look at it.
    ///   - starttls: The protocol to speak before TLS, or nil for TLS at once.
    ///   - connects: False to check the files alone, without a connection.
    public init(
        domain: String, connect: Endpoint? = nil, certFile: String? = nil, keyFile: String? = nil,
        starttls: StartTLSProtocol? = nil, connects: Bool = true
    ) {
        self.domain = domain
        self.connect = connect
        self.certFile = certFile
        self.keyFile = keyFile
        self.starttls = starttls
        self.connects = connects
    }

    /// The endpoint the check connects to: `connect`, else the domain on port 443
    /// (or the STARTTLS protocol's usual port).
    public var endpoint: Endpoint {
        connect ?? Endpoint(host: domain, port: starttls?.defaultPort ?? 443)
    }
}
