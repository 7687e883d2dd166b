public import Foundation

/// What a check read from one certificate, for display and for the store.
public struct CertificateSummary: Sendable, Hashable, Codable {
    /// The subject name in RFC 2253 form, such as `CN=www.example.com`.
    public var subject: String
    /// The issuer name in RFC 2253 form.
    public var issuer: String
    /// The subjectAltName DNS names; empty when there are none.
    public var names: [String]
    /// The start of the validity period.
    public var notBefore: Date?
    /// The end of the validity period.
    public var notAfter: Date?
    /// Whole days from the check's time to `notAfter`; negative once expired.
    public var daysLeft: Int?
    /// The public key, such as `RSA 2048` or `EC 256`.
    public var key: String
    /// The signature algorithm, such as `sha256WithRSAEncryption`.
    public var signature: String
    /// The SHA-256 fingerprint of the certificate, lowercase hex.
    public var sha256: String

    /// Creates a summary.
    ///
    /// - Parameters:
    ///   - subject: The subject name.
    ///   - issuer: The issuer name.
    ///   - names: The subjectAltName DNS names.
    ///   - notBefore: The start of the validity period.
    ///   - notAfter: The end of the validity period.
    ///   - daysLeft: Whole days left at the time of the check.
    ///   - key: The public key's kind and size.
    ///   - signature: The signature algorithm.
    ///   - sha256: The SHA-256 fingerprint in hex.
    public init(
        subject: String, issuer: String, names: [String], notBefore: Date?, notAfter: Date?, daysLeft: Int?,
        key: String, signature: String, sha256: String
    ) {
        self.subject = subject
        self.issuer = issuer
        self.names = names
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.daysLeft = daysLeft
        self.key = key
        self.signature = signature
        self.sha256 = sha256
    }
}

/// The outcome of checking one endpoint of a site: the one type of a check result, which
/// WachterTLS's checker returns, `site check` prints, the store keeps and the report and
/// `site list` read.
///
/// The store keeps the domain, endpoint, STARTTLS protocol, verdict, time, end date and
/// each problem (code, sentence, where found); a check read back from it has no
/// certificates, protocol, revocation answer or timing (the `stored` initialiser).
public struct SiteCheckResult: Sendable, Hashable, Codable {
    /// The domain that was checked.
    public var domain: String
    /// Where the check connected, as `host:port`; nil when only files were checked.
    public var endpoint: String?
    /// The protocol spoken before TLS started, if any.
    public var starttls: StartTLSProtocol?
    /// The worst verdict of the problems, or `ok` when there are none.
    public var verdict: Verdict
    /// Every problem found, served ones first.
    public var problems: [Problem]
    /// The time the check was judged at (the `now` it was given).
    public var checkedAt: Date
    /// The end date of the served certificate, or of the file's when nothing was served.
    public var notAfter: Date?
    /// Whole days left until `notAfter`, negative once expired.
    public var daysLeft: Int?
    /// The certificate the server sent, if the handshake completed with one.
    public var served: CertificateSummary?
    /// The certificate in the site's certificate file, if one was given and read.
    public var disk: CertificateSummary?
    /// The negotiated protocol, such as `TLSv1.3`, if the handshake completed.
    public var protocolVersion: String?
    /// How long the network part of the check took, in milliseconds.
    public var milliseconds: Int
    /// What the revocation check found, where the served certificate names an OCSP
    /// responder or a CRL; nil when it names neither or revocation was not checked.
    public var revocation: RevocationStatus?

    /// Creates a result; the verdict is the worst of the problems' verdicts.
    ///
    /// - Parameters:
    ///   - domain: The checked domain.
    ///   - endpoint: Where the check connected.
    ///   - problems: What was found.
    ///   - checkedAt: The time the check was judged at.
    ///   - served: The served certificate, if any.
    ///   - disk: The certificate file's certificate, if any.
    ///   - protocolVersion: The negotiated protocol, if any.
    ///   - milliseconds: How long the network part took.
    ///   - starttls: The protocol spoken before TLS, if any.
    ///   - revocation: What the revocation check found, if it ran.
    public init(
        domain: String, endpoint: String?, problems: [Problem], checkedAt: Date, served: CertificateSummary?,
        disk: CertificateSummary?, protocolVersion: String?, milliseconds: Int, starttls: StartTLSProtocol? = nil,
        revocation: RevocationStatus? = nil
    ) {
        self.domain = domain
        self.endpoint = endpoint
        self.starttls = starttls
        self.revocation = revocation
        self.verdict = Verdict.worst(problems.map(\.verdict))
        self.problems = problems
        self.checkedAt = checkedAt
        self.notAfter = served?.notAfter ?? disk?.notAfter
        self.daysLeft = served?.daysLeft ?? disk?.daysLeft
        self.served = served
        self.disk = disk
        self.protocolVersion = protocolVersion
        self.milliseconds = milliseconds
    }

    /// A check as the store gives it back: what the checker found
    /// recorded less the certificates, protocol, revocation answer and timing, which are
    /// not kept, and with the verdict it was stored with.
    ///
    /// - Parameters:
    ///   - domain: The checked domain.
    ///   - endpoint: Where the check connected; nil for files alone.
    ///   - starttls: The protocol spoken before TLS, if any.
    ///   - verdict: The stored verdict.
    ///   - problems: The stored problems.
    ///   - checkedAt: When it was checked.
    ///   - notAfter: The stored end of validity.
    public init(
        stored domain: String, endpoint: String?, starttls: StartTLSProtocol?, verdict: Verdict, problems: [Problem],
        checkedAt: Date, notAfter: Date?
    ) {
        self.init(
            domain: domain, endpoint: endpoint, problems: problems, checkedAt: checkedAt, served: nil, disk: nil,
            protocolVersion: nil, milliseconds: 0, starttls: starttls)
        self.verdict = verdict
        self.notAfter = notAfter
    }

    /// Whether a problem with `code` was found.
    ///
    /// - Parameter code: The code to look for.
    /// - Returns: True when at least one problem has it.
    public func has(_ code: ProblemCode) -> Bool {
        problems.contains { $0.code == code }
    }
}

/// What a revocation check found for the served certificate.
public struct RevocationStatus: Sendable, Hashable, Codable {
    /// The certificate's standing.
    public enum State: String, Sendable, Hashable, Codable {
        /// A verified, fresh OCSP response or CRL says it is not revoked.
        case good
        /// A verified, fresh OCSP response or CRL says it is revoked.
        case revoked
        /// The responder does not know the certificate.
        case unknown
        /// No verified answer could be had (soft fail).
        case unchecked
    }

    /// Where an answer came from.
    public enum Source: String, Sendable, Hashable, Codable {
        /// The OCSP response the server stapled to the handshake.
        case stapled
        /// The OCSP responder named in the certificate.
        case ocsp
        /// The CRL named in the certificate.
        case crl
    }

    /// The certificate's standing.
    public var state: State
    /// Where the answer came from; nil when there was none.
    public var source: Source?
    /// Whether the answer came from the cache (memory or disk) rather than the network.
    public var cached: Bool
    /// The revocation reason (RFC 5280 5.3.1), such as `keyCompromise`, when revoked.
    public var reason: String?
    /// When it was revoked, when known.
    public var revokedAt: Date?
    /// When the answer stops being fresh (its nextUpdate), when known.
    public var nextUpdate: Date?

    /// Creates a status.
    ///
    /// - Parameters:
    ///   - state: The standing.
    ///   - source: Where the answer came from.
    ///   - cached: Whether it came from the cache.
    ///   - reason: The revocation reason.
    ///   - revokedAt: The revocation time.
    ///   - nextUpdate: The answer's nextUpdate.
    public init(
        state: State, source: Source?, cached: Bool = false, reason: String? = nil, revokedAt: Date? = nil,
        nextUpdate: Date? = nil
    ) {
        self.state = state
        self.source = source
        self.cached = cached
        self.reason = reason
        self.revokedAt = revokedAt
        self.nextUpdate = nextUpdate
    }
}
