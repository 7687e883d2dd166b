/// A crypt(5) hashing method, recognised by the prefix of its hash strings.
public enum HashMethod: String, CaseIterable, Codable, Sendable {
    case yescrypt
    case gostYescrypt = "gost-yescrypt"
    case scrypt
    case bcrypt
    case sha512crypt
    case sha256crypt
    case sha1crypt
    case sunmd5
    case md5crypt
    case bsdicrypt
    case nthash
    case descrypt

    /// The methods Wachter makes new hashes with; the others are only verified.
    public static let configurable: [HashMethod] = [.yescrypt, .bcrypt, .sha512crypt]

    /// The prefix crypt_gensalt(3) takes for this method.
    public var prefix: String {
        switch self {
        case .yescrypt: "$y$"
        case .gostYescrypt: "$gy$"
        case .scrypt: "$7$"
        case .bcrypt: "$2b$"
        case .sha512crypt: "$6$"
        case .sha256crypt: "$5$"
        case .sha1crypt: "$sha1"
        case .sunmd5: "$md5"
        case .md5crypt: "$1$"
        case .bsdicrypt: "_"
        case .nthash: "$3$"
        case .descrypt: ""
        }
    }

    /// The cost range crypt_gensalt(3) accepts, or nil for methods without one.
    public var costRange: ClosedRange<Int>? {
        switch self {
        case .yescrypt, .gostYescrypt: 1...11
        case .bcrypt: 4...31
        case .sha512crypt, .sha256crypt: 1000...999_999_999
        default: nil
        }
    }

    /// Identifies the method of a crypt(3) hash string by its prefix.
    ///
    /// - Parameter hash: A complete hash or a setting string.
    /// - Returns: The method, or nil when no method has that form.
    public static func identify(_ hash: String) -> HashMethod? {
        if hash.hasPrefix("$y$") { return .yescrypt }
        if hash.hasPrefix("$gy$") { return .gostYescrypt }
        if hash.hasPrefix("$7$") { return .scrypt }
        if hash.hasPrefix("$2b$") || hash.hasPrefix("$2a$") || hash.hasPrefix("$2y$") || hash.hasPrefix("$2x$") {
            return .bcrypt
        }
        if hash.hasPrefix("$6$") { return .sha512crypt }
        if hash.hasPrefix("$5$") { return .sha256crypt }
        if hash.hasPrefix("$sha1$") { return .sha1crypt }
        if hash.hasPrefix("$md5") { return .sunmd5 }
        if hash.hasPrefix("$1$") { return .md5crypt }
        if hash.hasPrefix("$3$") { return .nthash }
        if hash.hasPrefix("_") && hash.count == 20 { return .bsdicrypt }
        if hash.count == 13, hash.utf8.allSatisfy(Self.isCryptBase64) { return .descrypt }
        return nil
    }

    static func isCryptBase64(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
    }
}

/// A comparable measure of a hash's work factor, read from its setting.
///
/// Costs of different methods do not compare; within one method a larger value
/// means more work.
public struct HashCost: Comparable, Sendable, CustomStringConvertible {
    let components: [Int]
    /// How the setting spells the cost, such as `j9T`, `05` or `rounds=5000`.
    public let text: String

    public static func < (lhs: HashCost, rhs: HashCost) -> Bool {
        lhs.components.lexicographicallyPrecedes(rhs.components)
    }
    public static func == (lhs: HashCost, rhs: HashCost) -> Bool { lhs.components == rhs.components }

    /// The cost as the setting spells it.
    public var description: String { text }

    /// Reads the cost field of a hash or setting.
    ///
    /// - Parameters:
    ///   - hash: A complete hash or a setting string.
    ///   - method: Its method.
    /// - Returns: The cost, or nil where the method has no cost field or it is malformed.
    static func parse(_ hash: String, method: HashMethod) -> HashCost? {
        let fields = hash.split(separator: "$", omittingEmptySubsequences: false)
        switch method {
        case .yescrypt, .gostYescrypt:
            // "$y$j9T$salt$hash": the flavour character, then N's log2 and r
            // in crypt's base-64 alphabet; a larger character means more work.
            guard fields.count >= 4 else { return nil }
            let params = Array(fields[2].utf8)
            guard params.count >= 3 else { return nil }
            return HashCost(components: params.dropFirst().map { Self.base64Value($0) }, text: String(fields[2]))
        case .bcrypt:
            guard fields.count >= 4, let cost = Int(fields[2]) else { return nil }
            return HashCost(components: [cost], text: String(fields[2]))
        case .sha512crypt, .sha256crypt:
            guard fields.count >= 3 else { return nil }
            if fields[2].hasPrefix("rounds="), let rounds = Int(fields[2].dropFirst(7)) {
                return HashCost(components: [rounds], text: String(fields[2]))
            }
            return HashCost(components: [5000], text: "rounds=5000")
        default:
            return nil
        }
    }

    private static func base64Value(_ byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "."): 0
        case UInt8(ascii: "/"): 1
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0")) + 2
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A")) + 12
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a")) + 38
        default: -1
        }
    }
}
