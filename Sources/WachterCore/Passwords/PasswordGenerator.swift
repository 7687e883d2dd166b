internal import Foundation

/// Makes temporary passwords that are easy to read out over the phone.
///
/// A password is four groups of five characters from a 31-character alphabet of
/// lower-case letters and digits without the look-alikes 0, 1, i, l and o, such
/// as `k7mq2-x3hvw-9wptf-4nrzb`: 20 × log2(31) ≈ 99 bits of entropy, drawn from
/// the system's CSPRNG (getrandom(2) through `SystemRandomNumberGenerator`).
public enum PasswordGenerator {
    /// The characters a generated password is made of.
    public static let alphabet = Array("23456789abcdefghjkmnpqrstuvwxyz".utf8)
    /// Groups per password.
    public static let groups = 4
    /// Characters per group.
    public static let groupLength = 5

    /// The entropy of one generated password, in bits.
    public static var entropyBits: Double {
        Double(groups * groupLength) * log2(Double(alphabet.count))
    }

    /// Makes a new temporary password.
    ///
    /// - Returns: The password, as a ``Secret``.
    public static func generate() -> Secret {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// Makes a password from the given random source (for tests).
    ///
    /// - Parameter generator: The random source.
    /// - Returns: The password.
    public static func generate<G: RandomNumberGenerator>(using generator: inout G) -> Secret {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(groups * (groupLength + 1))
        for group in 0..<groups {
            if group > 0 { bytes.append(UInt8(ascii: "-")) }
            for _ in 0..<groupLength {
                // random(in:using:) rejects samples outside a multiple of the
                // range, so every character is equally likely.
                bytes.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
            }
        }
        return Secret(bytes: bytes)
    }
}
