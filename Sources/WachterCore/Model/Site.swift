public import Foundation

/// A hosted site whose TLS certificate Wachter checks.
public struct Site: Codable, Sendable, Equatable {
    /// The domain, lower-cased and in punycode.
    public var domain: String
    /// The id of the customer who owns it.
    public var customerID: String
    /// Where to connect (`host:port`) instead of the domain on port 443.
    public var connect: String?
    /// The certificate file the web server uses, where known.
    public var certFile: String?
    /// The key file the web server uses, where known.
    public var keyFile: String?
    /// When the site was added.
    public var createdAt: Date

    /// Creates a site record.
    public init(
        domain: String, customerID: String, connect: String? = nil, certFile: String? = nil, keyFile: String? = nil,
        createdAt: Date
    ) {
        self.domain = domain
        self.customerID = customerID
        self.connect = connect
        self.certFile = certFile
        self.keyFile = keyFile
        self.createdAt = createdAt
    }
}

/// The stored result of one certificate check, as the report and `site list` read it.
public struct SiteCheckRecord: Codable, Sendable, Equatable {
    /// The domain checked.
    public var domain: String
    /// When it was checked.
    public var checkedAt: Date
    /// `ok`, `warning`, `critical` or `unknown`.
    public var verdict: String
    /// One sentence per problem found.
    public var problems: [String]
    /// The served (or on-disk) certificate's end of validity, where one was read.
    public var notAfter: Date?

    /// Creates a check record.
    public init(domain: String, checkedAt: Date, verdict: String, problems: [String], notAfter: Date?) {
        self.domain = domain
        self.checkedAt = checkedAt
        self.verdict = verdict
        self.problems = problems
        self.notAfter = notAfter
    }
}
