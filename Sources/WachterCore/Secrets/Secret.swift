internal import Glibc

/// A password or other secret held in memory only as long as it is needed.
///
/// The bytes live in one buffer that is wiped with `explicit_bzero(3)` when the
/// value is released. The secret prints as `<redacted>`, compares in constant
/// time, and hands its bytes out only inside ``withBytes(_:)``.
public final class Secret {
    private var storage: [UInt8]

    /// Creates a secret that takes over the given bytes.
    ///
    /// - Parameter bytes: The secret's UTF-8 bytes. The caller should not keep
    ///   another copy.
    public init(bytes: consuming [UInt8]) {
        self.storage = bytes
    }

    /// Creates a secret from a string.
    ///
    /// Swift strings cannot be wiped, so use this only for values that are not
    /// secret in the first place, such as tests and generated passwords that
    /// are printed anyway.
    /// - Parameter string: The text of the secret.
    public convenience init(_ string: String) {
        self.init(bytes: Array(string.utf8))
    }

    deinit {
        let count = storage.count
        guard count > 0 else { return }
        // explicit_bzero(3) is not removed by the optimiser, unlike a plain loop
        // over memory that is about to be freed.
        unsafe storage.withUnsafeMutableBytes { buffer in
            unsafe explicit_bzero(buffer.baseAddress!, count)
        }
    }

    /// The number of bytes in the secret.
    public var count: Int { storage.count }

    /// Whether the secret is empty.
    public var isEmpty: Bool { storage.isEmpty }

    /// Calls `body` with the secret's bytes.
    ///
    /// - Parameter body: A closure that must not keep the array beyond its own
    ///   return.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    public func withBytes<R, E: Error>(_ body: ([UInt8]) throws(E) -> R) throws(E) -> R {
        try body(storage)
    }

    /// Compares two secrets in time that depends only on their lengths.
    ///
    /// - Parameter other: The secret to compare with.
    /// - Returns: Whether both hold the same bytes.
    public func constantTimeEquals(_ other: Secret) -> Bool {
        ConstantTime.equals(storage, other.storage)
    }
}

extension Secret: CustomStringConvertible, CustomDebugStringConvertible {
    /// Always `<redacted>`, so that a secret in an interpolation or a log line shows nothing.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
}

/// Comparisons whose running time does not depend on where the inputs differ.
public enum ConstantTime {
    /// Compares two byte sequences without an early exit.
    ///
    /// - Parameters:
    ///   - lhs: The first sequence.
    ///   - rhs: The second sequence.
    /// - Returns: Whether the sequences are equal.
    public static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        if lhs.count != rhs.count { difference |= 1 }
        let length = max(lhs.count, rhs.count)
        for index in 0..<length {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }

    /// Compares two strings (for example crypt(3) hash strings) by their UTF-8 bytes.
    ///
    /// - Parameters:
    ///   - lhs: The first string.
    ///   - rhs: The second string.
    /// - Returns: Whether the strings are equal byte for byte.
    public static func equals(_ lhs: String, _ rhs: String) -> Bool {
        equals(Array(lhs.utf8), Array(rhs.utf8))
    }
}
