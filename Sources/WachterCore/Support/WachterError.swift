/// An error from Wachter's library, with a stable code and a message for people.
///
/// The message never holds a password, a hash or a bound SQL argument.
public struct WachterError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-comparable kind of error.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case notFound = "not-found"
            case alreadyExists = "already-exists"
            case invalidName = "invalid-name"
            case invalidInput = "invalid-input"
            case policyRefused = "policy-refused"
            case storeMissing = "store-missing"
            case storeInsecure = "store-insecure"
            case storeFailure = "store-failure"
            case storeUnavailable = "store-unavailable"
            case hashingFailure = "hashing-failure"
            case unsupportedHash = "unsupported-hash"
            case inputFailure = "input-failure"
            case auditBroken = "audit-broken"
            case exportFailure = "export-failure"
            case deliveryFailure = "delivery-failure"
            case agentUnavailable = "agent-unavailable"
            case protocolViolation = "protocol-violation"
            case cacheFlushFailed = "cache-flush-failed"
            case trustStoreUnavailable = "trust-store-unavailable"
            case openSSLFailure = "openssl-failure"
            case keyUnavailable = "key-unavailable"
            case decryptionFailed = "decryption-failed"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A customer, account or other record does not exist.
        public static let notFound = Code(.notFound)
        /// A record with that key exists already.
        public static let alreadyExists = Code(.alreadyExists)
        /// A customer, account or domain name breaks the naming rules.
        public static let invalidName = Code(.invalidName)
        /// Some other value given by the caller is malformed.
        public static let invalidInput = Code(.invalidInput)
        /// A password was refused by the policy.
        public static let policyRefused = Code(.policyRefused)
        /// The store file does not exist yet.
        public static let storeMissing = Code(.storeMissing)
        /// The store file or its directory can be read or changed by other users.
        public static let storeInsecure = Code(.storeInsecure)
        /// The store (SQLite or PostgreSQL) reported an error.
        public static let storeFailure = Code(.storeFailure)
        /// No PostgreSQL server of the store could be reached, or none was writable, within the connect timeout.
        public static let storeUnavailable = Code(.storeUnavailable)
        /// libxcrypt failed to make or check a hash.
        public static let hashingFailure = Code(.hashingFailure)
        /// A hash string that libxcrypt cannot check.
        public static let unsupportedHash = Code(.unsupportedHash)
        /// Reading a password from a terminal, standard input or a file failed.
        public static let inputFailure = Code(.inputFailure)
        /// The audit trail's hash chain does not verify.
        public static let auditBroken = Code(.auditBroken)
        /// Writing an export file, or running its reload command, failed.
        public static let exportFailure = Code(.exportFailure)
        /// The system's sendmail program could not be run or refused a message.
        public static let deliveryFailure = Code(.deliveryFailure)
        /// The agent's socket cannot be reached, or it did not answer in time.
        public static let agentUnavailable = Code(.agentUnavailable)
        /// A frame of the agent protocol (docs/PROTOCOL.md) is malformed.
        public static let protocolViolation = Code(.protocolViolation)
        /// The configured authentication-cache flush command failed.
        public static let cacheFlushFailed = Code(.cacheFlushFailed)
        /// The system trust store or a CA file for certificate checks could not be loaded.
        public static let trustStoreUnavailable = Code(.trustStoreUnavailable)
        /// OpenSSL could not set up a TLS client for certificate checks.
        public static let openSSLFailure = Code(.openSSLFailure)
        /// The key file that encrypts personal data is missing, unreadable, malformed or readable by others.
        public static let keyUnavailable = Code(.keyUnavailable)
        /// A stored encrypted value does not decrypt: another key, another row, or changed bytes.
        public static let decryptionFailed = Code(.decryptionFailed)

        /// The code's stable name, such as `not-found`.
        public var description: String { value.rawValue }
    }

    /// What kind of error this is.
    public var code: Code
    /// A sentence for the operator, without secrets.
    public var message: String
    /// The underlying error's description, reduced to what is safe to show.
    public var cause: String?
    /// The source file that raised the error.
    public var file: String
    /// The source line that raised the error.
    public var line: Int

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of error.
    ///   - message: A sentence for the operator; it must not contain a secret.
    ///   - cause: A safe description of the underlying error, if any.
    ///   - file: The source file, filled in by the compiler.
    ///   - line: The source line, filled in by the compiler.
    public init(_ code: Code, _ message: String, cause: String? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    /// The message, followed by the cause where there is one.
    public var description: String {
        if let cause { return "\(message) (\(cause))" }
        return message
    }
}
