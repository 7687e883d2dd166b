/// The outcome of a check, ranked as a monitoring plugin ranks it.
///
/// The exit codes follow the monitoring-plugin convention (0 ok, 1 warning,
/// 2 critical, 3 unknown). When results are combined, critical outranks unknown:
/// a site known to be broken matters more than one that could not be checked.
public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// Nothing is wrong.
    case ok
    /// Something needs attention soon, such as a certificate that expires within the warning period.
    case warning
    /// Visitors see an error now, or will when the server is next restarted.
    case critical
    /// The check itself could not be done, such as a name that does not resolve.
    case unknown

    /// The monitoring-plugin exit code: 0, 1, 2 or 3.
    public var exitCode: Int32 {
        switch self {
        case .ok: return 0
        case .warning: return 1
        case .critical: return 2
        case .unknown: return 3
        }
    }

    /// How bad the verdict is: ok < warning < unknown < critical.
    private var rank: Int {
        switch self {
        case .ok: return 0
        case .warning: return 1
        case .unknown: return 2
        case .critical: return 3
        }
    }

    /// Orders verdicts from best to worst (ok, warning, unknown, critical).
    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rank < rhs.rank }

    /// The worst of several verdicts, or `ok` for none.
    ///
    /// - Parameter verdicts: Any number of verdicts.
    /// - Returns: The worst one by `<`.
    public static func worst(_ verdicts: some Sequence<Verdict>) -> Verdict {
        verdicts.max() ?? .ok
    }

    /// The verdict's name: `ok`, `warning`, `critical` or `unknown`.
    public var description: String { rawValue }
}

/// A stable, machine-comparable name of one kind of problem, such as `expired`.
///
/// The names are a contract: scripts and the store compare them, so they never change.
public struct ProblemCode: Hashable, Sendable, Codable, CustomStringConvertible {
    private enum Value: String, Sendable, CaseIterable {
        case connectionRefused = "connection-refused"
        case unresolved = "unresolved"
        case connectionFailed = "connection-failed"
        case timeout = "timeout"
        case noTLS = "no-tls"
        case handshakeFailure = "handshake-failure"
        case noCertificate = "no-certificate"
        case expired = "expired"
        case notYetValid = "not-yet-valid"
        case expiresSoon = "expires-soon"
        case hostnameMismatch = "hostname-mismatch"
        case selfSigned = "self-signed"
        case untrustedRoot = "untrusted-root"
        case incompleteChain = "incomplete-chain"
        case invalidChain = "invalid-chain"
        case weakKey = "weak-key"
        case weakSignature = "weak-signature"
        case certFileMissing = "cert-file-missing"
        case certFileUnreadable = "cert-file-unreadable"
        case certFileInvalid = "cert-file-invalid"
        case keyFileMissing = "key-file-missing"
        case keyFileUnreadable = "key-file-unreadable"
        case keyMismatch = "key-mismatch"
        case diskDiffersFromServed = "disk-differs-from-served"
        case internalError = "internal-error"
        case starttlsNotOffered = "starttls-not-offered"
        case starttlsRefused = "starttls-refused"
        case starttlsStalled = "starttls-stalled"
        case revoked = "revoked"
        case revocationUnchecked = "revocation-unchecked"
        case revocationResponseInvalid = "revocation-response-invalid"
        case unrecorded = "unrecorded"
    }
    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// Nothing listens on the port: the connection was refused.
    public static let connectionRefused = ProblemCode(.connectionRefused)
    /// The host name to connect to does not resolve.
    public static let unresolved = ProblemCode(.unresolved)
    /// The connection failed for another reason, such as an unreachable network.
    public static let connectionFailed = ProblemCode(.connectionFailed)
    /// The server did not accept the connection or finish the handshake in time.
    public static let timeout = ProblemCode(.timeout)
    /// The port answers, but not with TLS (plain HTTP, for example).
    public static let noTLS = ProblemCode(.noTLS)
    /// The server speaks TLS, but the handshake failed or was refused.
    public static let handshakeFailure = ProblemCode(.handshakeFailure)
    /// The handshake completed without a certificate.
    public static let noCertificate = ProblemCode(.noCertificate)
    /// A certificate of the chain is past its end date.
    public static let expired = ProblemCode(.expired)
    /// A certificate of the chain is not valid yet.
    public static let notYetValid = ProblemCode(.notYetValid)
    /// The certificate expires within the warning period.
    public static let expiresSoon = ProblemCode(.expiresSoon)
    /// The certificate's subjectAltName does not cover the domain (RFC 6125).
    public static let hostnameMismatch = ProblemCode(.hostnameMismatch)
    /// The certificate is signed by its own key and not trusted.
    public static let selfSigned = ProblemCode(.selfSigned)
    /// The chain ends in a root that the trust store does not hold.
    public static let untrustedRoot = ProblemCode(.untrustedRoot)
    /// The server or file gives the certificate without the intermediate that links it to a root.
    public static let incompleteChain = ProblemCode(.incompleteChain)
    /// The chain is broken in another way, such as a bad signature or a CA without CA rights.
    public static let invalidChain = ProblemCode(.invalidChain)
    /// A key of the chain is too small (RSA or DSA under 2048 bits, EC under 224).
    public static let weakKey = ProblemCode(.weakKey)
    /// A certificate of the chain is signed with SHA-1 or MD5.
    public static let weakSignature = ProblemCode(.weakSignature)
    /// The site's certificate file does not exist.
    public static let certFileMissing = ProblemCode(.certFileMissing)
    /// The site's certificate file exists but cannot be read (permissions, for example).
    public static let certFileUnreadable = ProblemCode(.certFileUnreadable)
    /// The site's certificate file holds no PEM certificate.
    public static let certFileInvalid = ProblemCode(.certFileInvalid)
    /// The site's key file does not exist.
    public static let keyFileMissing = ProblemCode(.keyFileMissing)
    /// The site's key file cannot be read, or holds no unencrypted PEM private key.
    public static let keyFileUnreadable = ProblemCode(.keyFileUnreadable)
    /// The key file's key does not belong to the certificate file's certificate.
    public static let keyMismatch = ProblemCode(.keyMismatch)
    /// The certificate on disk is not the one the server sends: the server was not reloaded.
    public static let diskDiffersFromServed = ProblemCode(.diskDiffersFromServed)
    /// OpenSSL failed in a way that says nothing about the site.
    public static let internalError = ProblemCode(.internalError)

    /// The server does not offer STARTTLS (IMAP, SMTP), STLS (POP3) or AUTH TLS (FTP).
    public static let starttlsNotOffered = ProblemCode(.starttlsNotOffered)
    /// The server answered the greeting or the STARTTLS command with an error, or closed the connection.
    public static let starttlsRefused = ProblemCode(.starttlsRefused)
    /// The server stopped answering before TLS started (after its greeting, for example).
    public static let starttlsStalled = ProblemCode(.starttlsStalled)
    /// The certificate is revoked (by a verified OCSP response or CRL); the sentence gives the reason.
    public static let revoked = ProblemCode(.revoked)
    /// Revocation could not be checked: the OCSP responder or CRL could not be reached in time (soft fail).
    public static let revocationUnchecked = ProblemCode(.revocationUnchecked)
    /// An OCSP response or CRL was stale, not signed by the issuer, or not readable.
    public static let revocationResponseInvalid = ProblemCode(.revocationResponseInvalid)

    /// A problem read from a check stored before the store kept problem codes (migration
    /// `v6-site-endpoints`): its sentence is known, its kind is not. No check finds it.
    public static let unrecorded = ProblemCode(.unrecorded)

    /// Every code a check can find, in a stable order.
    public static let all: [ProblemCode] = Value.allCases.filter { $0 != .unrecorded }.map(ProblemCode.init)

    /// The code for a stable name, or nil for an unknown name.
    ///
    /// - Parameter name: A name such as `expired`.
    public init?(name: String) {
        guard let value = Value(rawValue: name) else { return nil }
        self.value = value
    }

    /// The verdict this problem gives a site.
    public var verdict: Verdict {
        switch value {
        case .expiresSoon, .diskDiffersFromServed, .revocationUnchecked, .revocationResponseInvalid: return .warning
        case .unresolved, .certFileUnreadable, .keyFileUnreadable, .internalError, .unrecorded: return .unknown
        default: return .critical
        }
    }

    /// The code's stable name, such as `expires-soon`.
    public var description: String { value.rawValue }

    /// Decodes a code from its stable name.
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError` for a name that is not a known code.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let value = Value(rawValue: name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown problem code \(name)")
        }
        self.value = value
    }

    /// Encodes the code as its stable name.
    ///
    /// - Parameter encoder: The encoder.
    /// - Throws: What the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value.rawValue)
    }
}

/// Where a problem was found.
public enum ProblemSource: String, Sendable, Hashable, Codable {
    /// In what the server sends over the network.
    case served
    /// In the site's certificate or key file.
    case disk
}

/// One problem found by a check: a stable code and a sentence for people.
public struct Problem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What kind of problem this is.
    public var code: ProblemCode
    /// A full sentence for the operator, such as "The certificate expired on 2026-01-02 (3 days ago)."
    public var message: String
    /// Whether the problem is in what the server sends or in the files on disk.
    public var source: ProblemSource
    /// The verdict the problem gives the site.
    public var verdict: Verdict

    /// Creates a problem whose verdict is its code's.
    ///
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - message: A sentence for the operator.
    ///   - source: Where it was found.
    public init(_ code: ProblemCode, _ message: String, source: ProblemSource) {
        self.init(code, message, source: source, verdict: code.verdict)
    }

    /// Creates a problem with a verdict of its own, as a stored check gives it back
    /// (a problem of code ``ProblemCode/unrecorded`` takes its check's verdict).
    ///
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - message: A sentence for the operator.
    ///   - source: Where it was found.
    ///   - verdict: The verdict it gives the site.
    public init(_ code: ProblemCode, _ message: String, source: ProblemSource, verdict: Verdict) {
        self.code = code
        self.message = message
        self.source = source
        self.verdict = verdict
    }

    /// `code: message`, with `(on disk)` for a problem in the files.
    public var description: String {
        source == .disk ? "\(code) (on disk): \(message)" : "\(code): \(message)"
    }
}
