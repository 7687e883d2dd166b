internal import Foundation

/// Which method and cost new hashes get.
public struct HashingPolicy: Sendable, Equatable {
    /// The method for new hashes.
    public var method: HashMethod
    /// The cost for new hashes; 0 means libxcrypt's default for the method.
    public var cost: Int

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - method: One of ``HashMethod/configurable``.
    ///   - cost: The cost, within the method's range, or 0 for libxcrypt's default.
    public init(method: HashMethod, cost: Int = 0) {
        self.method = method
        self.cost = cost
    }

    /// libxcrypt's preferred method (yescrypt on Debian) at its default cost.
    public static var `default`: HashingPolicy {
        HashingPolicy(method: HashMethod.identify(Crypt.preferredMethodPrefix + "j9T$") ?? .yescrypt)
    }
}

/// What verifying a password against a stored hash found.
public enum HashVerification: Sendable, Equatable {
    /// The password matches; `needsRehash` says the hash is below the policy.
    case match(needsRehash: Bool)
    /// The password does not match.
    case mismatch
    /// libxcrypt cannot check this hash string.
    case unsupported
}

/// How a stored hash compares with the hashing policy.
public struct HashAssessment: Sendable, Equatable, Codable {
    /// The hash's method, if it is one libxcrypt knows.
    public var method: HashMethod?
    /// The hash's cost as its setting spells it, where the method has one.
    public var cost: String?
    /// Why the hash is below policy, or nil when it meets the policy.
    public var belowPolicy: String?
}

/// Makes and checks salted crypt(3) hashes through libxcrypt.
///
/// Passwords are normalised to Unicode NFKC before hashing and verifying, so that
/// the same password typed on different systems gives the same hash. Passwords
/// that are plain ASCII are unchanged by NFKC.
public struct PasswordHasher: Sendable {
    /// The longest password, in bytes after normalisation, that is hashed at all.
    ///
    /// sha512crypt's work grows with the password's length; a cap keeps a long
    /// input from costing the agent seconds.
    public static let maximumPasswordBytes = 1024

    /// The method and cost of new hashes.
    public let policy: HashingPolicy
    private let targetCost: HashCost?

    /// Creates a hasher and checks that libxcrypt accepts the policy.
    ///
    /// - Parameter policy: The method and cost for new hashes.
    /// - Throws: ``WachterError/Code/invalidInput`` for a method that is not
    ///   configurable or a cost outside its range.
    public init(policy: HashingPolicy = .default) throws(WachterError) {
        guard HashMethod.configurable.contains(policy.method) else {
            throw WachterError(
                .invalidInput,
                "hash method \(policy.method.rawValue) is not one Wachter makes new hashes with; use one of \(HashMethod.configurable.map(\.rawValue).joined(separator: ", "))"
            )
        }
        if policy.cost != 0, let range = policy.method.costRange, !range.contains(policy.cost) {
            throw WachterError(
                .invalidInput,
                "cost \(policy.cost) is outside \(range.lowerBound)...\(range.upperBound) for \(policy.method.rawValue); use 0 for libxcrypt's default"
            )
        }
        self.policy = policy
        let setting = try Crypt.generateSetting(prefix: policy.method.prefix, count: UInt(policy.cost))
        self.targetCost = HashCost.parse(setting, method: policy.method)
    }

    /// Hashes a password with a fresh random salt.
    ///
    /// - Parameter password: The password.
    /// - Returns: The crypt(3) hash string.
    /// - Throws: ``WachterError/Code/invalidInput`` for a password with a NUL byte
    ///   or over ``maximumPasswordBytes``; ``WachterError/Code/hashingFailure``
    ///   when libxcrypt fails.
    public func hash(_ password: Secret) throws(WachterError) -> String {
        let normalized = try Self.normalize(password)
        let setting = try Crypt.generateSetting(prefix: policy.method.prefix, count: UInt(policy.cost))
        guard let hash = normalized.withBytes({ Crypt.hash(phrase: $0, setting: setting) }) else {
            throw WachterError(.hashingFailure, "libxcrypt could not hash the password with \(policy.method.rawValue)")
        }
        return hash
    }

    /// Checks a password against a stored hash in constant time.
    ///
    /// - Parameters:
    ///   - password: The password to check.
    ///   - hash: The stored crypt(3) hash string, of any method libxcrypt knows.
    /// - Returns: Whether it matches, and whether the hash is below policy.
    public func verify(_ password: Secret, against hash: String) -> HashVerification {
        guard Crypt.checkSalt(hash) != .invalid || HashMethod.identify(hash) != nil else { return .unsupported }
        guard let normalized = try? Self.normalize(password) else { return .mismatch }
        guard let computed = normalized.withBytes({ Crypt.hash(phrase: $0, setting: hash) }) else {
            return .unsupported
        }
        guard ConstantTime.equals(computed, hash) else { return .mismatch }
        return .match(needsRehash: assess(hash).belowPolicy != nil)
    }

    /// Compares a stored hash's method and cost with the policy.
    ///
    /// - Parameter hash: A stored crypt(3) hash string.
    /// - Returns: The method, the cost, and why it is below policy if it is.
    public func assess(_ hash: String) -> HashAssessment {
        guard let method = HashMethod.identify(hash) else {
            return HashAssessment(method: nil, cost: nil, belowPolicy: "not a hash libxcrypt recognises")
        }
        let cost = HashCost.parse(hash, method: method)
        var reason: String?
        if method != policy.method {
            reason = "method \(method.rawValue), policy wants \(policy.method.rawValue)"
        } else if let cost, let targetCost, cost < targetCost {
            reason = "cost \(cost.text), policy wants \(targetCost.text)"
        } else if Crypt.checkSalt(hash) == .legacy {
            reason = "libxcrypt calls \(method.rawValue) a legacy method"
        }
        return HashAssessment(method: method, cost: cost?.text, belowPolicy: reason)
    }

    /// Applies NFKC to a password and checks its size.
    ///
    /// - Parameter password: The password as typed.
    /// - Returns: The normalised password; the same object when it is ASCII.
    /// - Throws: ``WachterError/Code/invalidInput`` for NUL bytes, invalid UTF-8
    ///   or an oversized password.
    public static func normalize(_ password: Secret) throws(WachterError) -> Secret {
        let result: Secret = try password.withBytes { bytes throws(WachterError) -> Secret in
            if bytes.contains(0) {
                throw WachterError(.invalidInput, "a password cannot contain a NUL byte")
            }
            if bytes.allSatisfy({ $0 < 0x80 }) { return password }
            // Foundation's NFKC needs a String; it cannot be wiped, which is the
            // price of normalising non-ASCII passwords (docs/SECURITY.md).
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw WachterError(.invalidInput, "a password must be valid UTF-8")
            }
            return Secret(bytes: Array(text.precomposedStringWithCompatibilityMapping.utf8))
        }
        guard result.count <= maximumPasswordBytes else {
            throw WachterError(.invalidInput, "a password can be at most \(maximumPasswordBytes) bytes long")
        }
        return result
    }
}
