/// Words and all their prefixes, walked one character at a time: each step
/// says whether a word ends there (its best rank and dictionary) and whether a
/// longer word goes on.
protocol WordIndex: Sendable {
    /// Where a walk is after the characters read so far.
    associatedtype Cursor
    /// Where every walk begins, before any character.
    var start: Cursor { get }
    /// Reads one more character, or nil when no word starts with what was read.
    func step(_ cursor: Cursor, _ scalar: UInt32) -> (Cursor, WordTable.Entry)?
}

/// An open-addressing hash table of words and all their prefixes, keyed by a
/// running 64-bit hash of the characters.
///
/// Matching walks a password one character at a time and extends the hash as it
/// goes, so that each step costs one multiply and one probe, and a walk stops as
/// soon as no word starts with what it has read. No substring is ever built.
/// Two different strings with the same 64-bit hash would be confused; with a
/// hundred thousand words the chance per lookup is about 10⁻¹⁴, which is far below
/// the estimator's other errors.
struct WordTable: WordIndex {
    /// What a probe found.
    struct Entry: Sendable, Equatable {
        /// The best (smallest) rank of a word with exactly these characters, or 0.
        var rank: Int
        /// Which dictionary that rank comes from.
        var dictionary: Int
        /// Whether a longer word starts with these characters.
        var isPrefix: Bool
    }

    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let empty: UInt64 = 0

    private var keys: [UInt64]
    private var values: [UInt32]
    private var mask: Int
    private(set) var count: Int = 0
    /// The longest word in the table, in characters.
    private(set) var longestWord: Int = 0

    /// Extends a running hash by one character (FNV-1a over code points, with
    /// a final mix applied only when probing).
    @inline(__always)
    static func step(_ hash: UInt64, _ scalar: UInt32) -> UInt64 {
        (hash ^ UInt64(scalar)) &* 0x0000_0100_0000_01b3
    }

    var start: UInt64 { Self.seed }

    @inline(__always)
    func step(_ cursor: UInt64, _ scalar: UInt32) -> (UInt64, Entry)? {
        let next = Self.step(cursor, scalar)
        guard let entry = lookup(next) else { return nil }
        return (next, entry)
    }

    init(expectedEntries: Int) {
        var capacity = 16
        while capacity < expectedEntries * 2 { capacity <<= 1 }
        keys = Array(repeating: Self.empty, count: capacity)
        values = Array(repeating: 0, count: capacity)
        mask = capacity - 1
    }

    @inline(__always)
    private func slot(for key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9e37_79b9_7f4a_7c15) >> 20) & mask
    }

    @inline(__always)
    private static func stored(_ hash: UInt64) -> UInt64 { hash == empty ? 1 : hash }

    /// Looks up the characters whose running hash is `hash`.
    @inline(__always)
    func lookup(_ hash: UInt64) -> Entry? {
        let key = Self.stored(hash)
        var index = slot(for: key)
        while true {
            let found = keys[index]
            if found == key {
                let value = values[index]
                return Entry(
                    rank: Int(value & 0xff_ffff),
                    dictionary: Int((value >> 24) & 0x3f),
                    isPrefix: value & 0x8000_0000 != 0)
            }
            if found == Self.empty { return nil }
            index = (index + 1) & mask
        }
    }

    private mutating func update(_ hash: UInt64, _ change: (inout UInt32) -> Void) {
        if count * 2 >= keys.count { grow() }
        let key = Self.stored(hash)
        var index = slot(for: key)
        while keys[index] != Self.empty && keys[index] != key { index = (index + 1) & mask }
        if keys[index] == Self.empty {
            keys[index] = key
            values[index] = 0
            count += 1
        }
        change(&values[index])
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        keys = Array(repeating: Self.empty, count: oldKeys.count * 2)
        values = Array(repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        for (key, value) in zip(oldKeys, oldValues) where key != Self.empty {
            var index = slot(for: key)
            while keys[index] != Self.empty { index = (index + 1) & mask }
            keys[index] = key
            values[index] = value
        }
    }

    /// Adds a word with its rank in a dictionary, keeping the best rank when the
    /// word is already there, and marks every proper prefix.
    mutating func insert(_ word: [UInt32], rank: Int, dictionary: Int) {
        guard !word.isEmpty, rank > 0 else { return }
        let rank = min(rank, 0xff_ffff)
        var hash = Self.seed
        for (offset, scalar) in word.enumerated() {
            hash = Self.step(hash, scalar)
            if offset < word.count - 1 {
                update(hash) { $0 |= 0x8000_0000 }
            }
        }
        update(hash) { value in
            let current = Int(value & 0xff_ffff)
            if current == 0 || rank < current {
                value = (value & 0x8000_0000) | UInt32(rank) | (UInt32(dictionary & 0x3f) << 24)
            }
        }
        longestWord = max(longestWord, word.count)
    }
}
