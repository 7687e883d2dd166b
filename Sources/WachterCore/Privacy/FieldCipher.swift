internal import Crypto
internal import Foundation

/// Where a sealed value belongs: its table, its row's key and its column.
///
/// The binding is the AES-GCM associated data, so a value copied into another row or
/// column does not decrypt.
public struct FieldBinding: Sendable, Equatable {
    /// The table, such as `customer`.
    public var table: String
    /// The row's key, such as a customer's id.
    public var row: String
    /// The column, such as `address`.
    public var column: String

    /// Names where a value belongs.
    ///
    /// - Parameters:
    ///   - table: The table.
    ///   - row: The row's key.
    ///   - column: The column.
    public init(_ table: String, _ row: String, _ column: String) {
        self.table = table
        self.row = row
        self.column = column
    }

    var associatedData: [UInt8] {
        // Length-prefixed, so that no two bindings encode alike.
        var bytes = Array("wachter-field-v1".utf8)
        for part in [table, row, column] {
            bytes += Array(String(part.utf8.count).utf8) + [0x3A] + Array(part.utf8)
        }
        return bytes
    }
}

/// Seals and opens personal values with AES-GCM under a ``KeyRing``, and makes keyed
/// digests (HMAC-SHA256) for lookups by equality.
///
/// A sealed value is text: `wk1.` then the key's id, a `.`, and the base64 of the
/// nonce, ciphertext and tag; the store keeps it as an opaque string.
public struct FieldCipher: Sendable {
    /// What every sealed value starts with.
    public static let prefix = "wk1."
    /// The keys.
    public let ring: KeyRing

    /// Makes a cipher over the keys.
    ///
    /// - Parameter ring: The keys, the last one sealing.
    public init(ring: KeyRing) { self.ring = ring }

    /// Seals a value under the current key, bound to where it is stored.
    ///
    /// - Parameters:
    ///   - value: The plaintext.
    ///   - binding: Its table, row and column.
    /// - Returns: The sealed text.
    /// - Throws: ``WachterError/Code/keyUnavailable`` when AES-GCM fails (it does not with a valid key).
    public func seal(_ value: String, _ binding: FieldBinding) throws(WachterError) -> String {
        do {
            let box = try AES.GCM.seal(Array(value.utf8), using: ring.currentKey, authenticating: binding.associatedData)
            guard let combined = box.combined else { throw WachterError(.keyUnavailable, "AES-GCM gave no sealed box") }
            return Self.prefix + ring.currentID + "." + combined.base64EncodedString()
        } catch let error as WachterError {
            throw error
        } catch {
            throw WachterError(.keyUnavailable, "cannot encrypt the \(binding.column) of \(binding.table) \(binding.row)")
        }
    }

    /// Opens a sealed value; a value without the prefix (stored before encryption) is returned as it is.
    ///
    /// - Parameters:
    ///   - stored: What the store holds.
    ///   - binding: Where it was read from.
    /// - Returns: The plaintext.
    /// - Throws: ``WachterError/Code/decryptionFailed`` for an unknown key id, a value of another
    ///   row or column, or changed bytes; never a wrong plaintext.
    public func open(_ stored: String, _ binding: FieldBinding) throws(WachterError) -> String {
        guard let (id, payload) = Self.split(stored) else { return stored }
        guard let key = ring.key(id: id) else {
            throw WachterError(
                .decryptionFailed,
                "the \(binding.column) of \(binding.table) \(binding.row) was encrypted under key \(id), which the key file lacks; "
                    + "restore the key file that holds it")
        }
        guard let combined = Data(base64Encoded: payload),
            let box = try? AES.GCM.SealedBox(combined: combined),
            let plain = try? AES.GCM.open(box, using: key, authenticating: binding.associatedData),
            let text = String(validating: plain, as: UTF8.self)
        else {
            throw WachterError(
                .decryptionFailed,
                "the \(binding.column) of \(binding.table) \(binding.row) does not decrypt: it was changed, "
                    + "or copied from another row or column")
        }
        return text
    }

    /// The keyed digest of a value: HMAC-SHA256 under a key derived from the current key, 32 hex digits.
    ///
    /// - Parameter value: The value, such as a source address.
    /// - Returns: The digest, equal for equal values under one key.
    public func digest(_ value: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(value.utf8), using: ring.digestKey)
        return "d." + mac.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// The id of the key a stored value was sealed under; nil for a value that is not sealed.
    ///
    /// - Parameter stored: What the store holds.
    /// - Returns: The key id.
    public static func keyID(of stored: String) -> String? { split(stored)?.id }

    /// Whether a stored value is sealed.
    ///
    /// - Parameter stored: What the store holds.
    /// - Returns: Whether it starts with ``prefix``.
    public static func isSealed(_ stored: String) -> Bool { stored.hasPrefix(prefix) }

    private static func split(_ stored: String) -> (id: String, payload: String)? {
        guard stored.hasPrefix(prefix) else { return nil }
        let rest = stored.utf8.dropFirst(prefix.utf8.count)
        guard rest.count > 9, let dot = rest.firstIndex(of: UInt8(ascii: ".")) else { return ("", "") }
        return (String(Substring(rest[..<dot])), String(Substring(rest[rest.index(after: dot)...])))
    }
}
