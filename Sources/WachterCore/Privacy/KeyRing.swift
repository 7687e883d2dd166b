internal import Crypto
internal import Foundation

/// The keys of personal data at rest, each with its id; the last one seals new values.
public struct KeyRing: Sendable {
    /// One key and its id.
    public struct Entry: Sendable {
        /// Eight hex digits, stored in front of every value the key sealed.
        public var id: String
        /// The key's 32 bytes, as the key file holds them.
        let material: [UInt8]
        /// The 256-bit AES-GCM key.
        var key: SymmetricKey { SymmetricKey(data: material) }

        /// Pairs a key with its id.
        ///
        /// - Parameters:
        ///   - id: Eight lower-case hex digits.
        ///   - material: The key's 32 bytes.
        public init(id: String, material: [UInt8]) {
            self.id = id
            self.material = material
        }

        /// A new random key with a new random id, from the system's CSPRNG (getrandom(2)).
        public static func generate() -> Entry {
            var random = SystemRandomNumberGenerator()
            let idBytes = (0..<4).map { _ in UInt8.random(in: .min ... .max, using: &random) }
            let material = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
            return Entry(id: idBytes.map { String(format: "%02x", $0) }.joined(), material: material)
        }
    }

    /// The keys, oldest first; the last is current.
    public let entries: [Entry]
    private let byID: [String: SymmetricKey]
    /// The key of keyed digests, derived from the current key (HKDF-SHA256).
    let digestKey: SymmetricKey

    /// Makes a ring of keys, the last one current; nil for no keys.
    ///
    /// - Parameter entries: The keys, oldest first.
    public init?(_ entries: [Entry]) {
        guard let current = entries.last else { return nil }
        self.entries = entries
        byID = Dictionary(entries.map { ($0.id, $0.key) }, uniquingKeysWith: { _, last in last })
        digestKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: current.key, info: Array("wachter keyed digest v1".utf8), outputByteCount: 32)
    }

    /// The current key's id.
    public var currentID: String { entries[entries.count - 1].id }
    /// The current key.
    var currentKey: SymmetricKey { entries[entries.count - 1].key }

    /// The key with this id, if the ring has it.
    func key(id: String) -> SymmetricKey? { byID[id] }

    /// The ring with a new current key added.
    ///
    /// - Returns: The new ring.
    public func adding(_ entry: Entry = .generate()) -> KeyRing { KeyRing(entries + [entry])! }

    /// The ring without the keys whose ids are not in `used`; the current key always stays.
    ///
    /// - Parameter used: The ids of keys still in use.
    /// - Returns: The new ring and the ids it dropped.
    public func retaining(_ used: Set<String>) -> (ring: KeyRing, dropped: [String]) {
        let kept = entries.filter { used.contains($0.id) || $0.id == currentID }
        return (KeyRing(kept)!, entries.filter { !kept.map(\.id).contains($0.id) }.map(\.id))
    }

    static func isValidID(_ id: String) -> Bool {
        id.utf8.count == 8 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
