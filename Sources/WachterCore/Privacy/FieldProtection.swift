internal import Foundation

/// How the services protect personal values before they reach the store.
///
/// ``keys(_:)`` encrypts (what the command line and the agent use, from the key file);
/// ``missing(_:)`` stands for a key file that could not be read: plain values still read,
/// but nothing personal can be written or decrypted; ``off`` stores plain values (tests and
/// embedding only, and the benchmark's baseline).
public enum FieldProtection: Sendable {
    /// Encrypt under these keys.
    case keys(FieldCipher)
    /// The key could not be loaded, for this reason.
    case missing(WachterError)
    /// Store plain values.
    case off

    /// Loads the key file, or remembers why it could not.
    ///
    /// - Parameter path: The key file.
    /// - Returns: ``keys(_:)`` or ``missing(_:)``.
    public static func load(_ path: String) -> FieldProtection {
        do { return .keys(FieldCipher(ring: try KeyFile.load(path))) } catch { return .missing(error) }
    }

    /// Seals a value for the store; nil stays nil.
    func seal(_ value: String?, _ binding: FieldBinding) throws(WachterError) -> String? {
        guard let value else { return nil }
        switch self {
        case .keys(let cipher): return try cipher.seal(value, binding)
        case .missing(let error): throw error
        case .off: return value
        }
    }

    /// Opens a value read from the store; nil stays nil, a plain value reads as it is.
    func open(_ stored: String?, _ binding: FieldBinding) throws(WachterError) -> String? {
        guard let stored else { return nil }
        switch self {
        case .keys(let cipher): return try cipher.open(stored, binding)
        case .missing(let error):
            guard !FieldCipher.isSealed(stored) else { throw error }
            return stored
        case .off:
            guard !FieldCipher.isSealed(stored) else {
                throw WachterError(.keyUnavailable, "the store holds encrypted values, but no key was given")
            }
            return stored
        }
    }

    /// The keyed digest of a value for lookups by equality; with ``off``, the value itself.
    func digest(_ value: String?) throws(WachterError) -> String? {
        guard let value else { return nil }
        switch self {
        case .keys(let cipher): return cipher.digest(value)
        case .missing(let error): throw error
        case .off: return value
        }
    }
}
