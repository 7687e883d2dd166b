internal import Foundation
internal import WachterCore

/// One request of Dovecot's authentication policy protocol: the JSON body that
/// Dovecot 2.3 and 2.4 POST to `auth_policy_server_url` with `?command=allow` or
/// `?command=report` (Dovecot's `src/auth/auth-policy.c`).
///
/// Dovecot builds the body from `auth_policy_request_attributes`, by default `login`,
/// `pwhash`, `remote`, `device_id`, `protocol`, `session_id` and (2.4) `fail_type`,
/// each a string, then adds `tls`, and for a report `success` and `policy_reject`.
/// Keys that an operator added (nested objects included) are ignored; a known key of
/// the wrong type makes the request malformed.
public struct DovecotPolicyRequest: Sendable, Equatable, Decodable {
    /// The name the client asked to log in as (`%{requested_username}`).
    public var login: String?
    /// The hex of the truncated hash of the nonce, the login, a NUL and the password.
    ///
    /// With Dovecot's defaults (SHA-256 truncated to 12 bits) it tells one password
    /// from another only roughly, and reveals nothing useful about any of them.
    public var pwhash: String?
    /// The client's address (`%{remote_ip}`, `%{rip}` in 2.3).
    public var remote: String?
    /// The protocol, such as `imap`, `pop3`, `submission` or `doveadm`.
    public var `protocol`: String?
    /// Dovecot's session id.
    public var sessionID: String?
    /// Dovecot 2.4's kind of failure: `credentials`, `account`, `expired`, `disabled`,
    /// `internal`, `policy`, or empty.
    public var failType: String?
    /// Report only: whether the login succeeded.
    public var success: Bool?
    /// Report only: whether the policy server refused the login.
    public var policyReject: Bool?
    /// Whether the client's connection uses TLS.
    public var tls: Bool?

    enum CodingKeys: String, CodingKey {
        case login, pwhash, remote, `protocol`, tls, success
        case sessionID = "session_id"
        case failType = "fail_type"
        case policyReject = "policy_reject"
    }

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - login: The login name.
    ///   - pwhash: The truncated password hash, in hex.
    ///   - remote: The client's address.
    ///   - protocol: The protocol.
    ///   - sessionID: The session id.
    ///   - failType: Dovecot 2.4's failure type.
    ///   - success: Whether the login succeeded (report).
    ///   - policyReject: Whether the policy server refused it (report).
    ///   - tls: Whether the connection uses TLS.
    public init(
        login: String? = nil, pwhash: String? = nil, remote: String? = nil, protocol: String? = nil,
        sessionID: String? = nil, failType: String? = nil, success: Bool? = nil, policyReject: Bool? = nil,
        tls: Bool? = nil
    ) {
        self.login = login
        self.pwhash = pwhash
        self.remote = remote
        self.protocol = `protocol`
        self.sessionID = sessionID
        self.failType = failType
        self.success = success
        self.policyReject = policyReject
        self.tls = tls
    }

    /// Parses a request body.
    ///
    /// - Parameter body: The JSON body.
    /// - Returns: The request.
    /// - Throws: ``WachterError`` (`invalidInput`) when the body is not a JSON object or a
    ///   known key has the wrong type; the message never repeats the body.
    public static func parse(_ body: some Collection<UInt8>) throws -> DovecotPolicyRequest {
        do {
            return try JSONDecoder().decode(DovecotPolicyRequest.self, from: Data(body))
        } catch let error as DecodingError {
            throw WachterError(.invalidInput, "malformed policy request: \(Self.describe(error))")
        } catch {
            throw WachterError(.invalidInput, "malformed policy request: not JSON")
        }
    }

    /// Names the fault without quoting the body (which holds the password's hash).
    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            return key.isEmpty ? "the body is not a JSON object" : "\"\(key)\" has the wrong type"
        case .dataCorrupted: return "not JSON"
        case .keyNotFound(let key, _): return "\"\(key.stringValue)\" is missing"
        @unknown default: return "not a policy request"
        }
    }
}

/// The answer to `?command=allow`: Dovecot reads `status` (negative: refuse; zero: go
/// on; positive: wait that many seconds first) and, when refusing, `msg`.
public struct DovecotPolicyAnswer: Sendable, Equatable {
    /// -1, 0, or a tarpit in seconds.
    public var status: Int
    /// Why, for a refusal; Dovecot logs it and sets it as the failure's reason.
    public var message: String

    /// Creates an answer.
    ///
    /// - Parameters:
    ///   - status: -1, 0 or seconds.
    ///   - message: The reason.
    public init(status: Int, message: String = "") {
        self.status = status
        self.message = message
    }

    /// Go ahead.
    public static let allow = DovecotPolicyAnswer(status: 0)

    /// The JSON body, `{"status":N,"msg":"..."}`.
    public var json: [UInt8] {
        let encoded = (try? JSONEncoder().encode(message)).map { Array($0) } ?? Array("\"\"".utf8)
        return Array("{\"status\":\(status),\"msg\":".utf8) + encoded + Array("}".utf8)
    }
}
