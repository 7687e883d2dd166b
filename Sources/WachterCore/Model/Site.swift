public import Foundation

/// One place where a site serves its certificate: a web server, or a mail or FTP
/// server that starts TLS with STARTTLS (or at once, as IMAPS on 993 does).
public struct SiteEndpoint: Codable, Sendable, Equatable {
    /// Where to connect, `host:port`.
    public var connect: String
    /// `imap`, `pop3`, `smtp` or `ftp` when the server starts TLS with a command; nil for TLS at once.
    public var starttls: String?

    /// The names of the protocols that start TLS with a command (``StartTLSProtocol``).
    public static let starttlsProtocols = StartTLSProtocol.allCases.map(\.rawValue)

    /// Creates an endpoint.
    ///
    /// - Parameters:
    ///   - connect: `host:port`.
    ///   - starttls: The STARTTLS protocol, or nil.
    public init(connect: String, starttls: String? = nil) {
        self.connect = connect
        self.starttls = starttls
    }
}

/// A hosted site whose TLS certificate Wachter checks.
public struct Site: Codable, Sendable, Equatable {
    /// The domain, lower-cased and in punycode.
    public var domain: String
    /// The id of the customer who owns it.
    public var customerID: String
    /// Where the site serves its certificate; empty means the domain on port 443
    /// (or nowhere, with `filesOnly`).
    public var endpoints: [SiteEndpoint]
    /// True when only the certificate and key files are checked, without a connection
    /// (a site that is not live yet, or a daemon that reads its files from disk).
    public var filesOnly: Bool
    /// The certificate file the web server uses, where known.
    public var certFile: String?
    /// The key file the web server uses, where known.
    public var keyFile: String?
    /// When the site was added.
    public var createdAt: Date

    /// Creates a site record.
    public init(
        domain: String, customerID: String, endpoints: [SiteEndpoint] = [], filesOnly: Bool = false,
        certFile: String? = nil, keyFile: String? = nil, createdAt: Date
    ) {
        self.domain = domain
        self.customerID = customerID
        self.endpoints = endpoints
        self.filesOnly = filesOnly
        self.certFile = certFile
        self.keyFile = keyFile
        self.createdAt = createdAt
    }
}
