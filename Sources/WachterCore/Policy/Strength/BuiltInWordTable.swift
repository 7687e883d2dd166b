/// The shipped word lists as the build made them: every word normalised,
/// lowered, given its best rank and sorted by its UTF-8 bytes (see
/// `Sources/wachter-wordtables`), embedded in the binary and used as it is.
///
/// A walk keeps the range of words that start with what it has read and narrows
/// it by binary search on the next byte, so a process that judges one password
/// pays for copying the embedded bytes once (well under a millisecond) and no
/// parsing, where building a hash table of the lists took half a second.
struct BuiltInWordTable: WordIndex {
    /// Where a walk is: the words in `low..<high` all start with the `depth`
    /// bytes read so far.
    struct Cursor {
        var low: Int32
        var high: Int32
        var depth: Int32
    }

    /// The dictionaries' names, in the order of their numbers.
    let names: [String]
    /// What each dictionary's words are.
    let categories: [RankedDictionary.Category]
    /// How many distinct words there are.
    let count: Int
    private let records: [UInt8]
    private let text: [UInt8]
    private let firstIndex: [Int32]
    private let pairs: [UInt8]

    private static let recordWidth = 10
    private static let lineFeed: UInt8 = 0x0a

    /// The table built into this binary, copied out of the embedded bytes once.
    static let shared = BuiltInWordTable()

    private init() {
        names = BuiltInWordData.names
        categories = BuiltInWordData.categories.map { RankedDictionary.Category(rawValue: $0) ?? .words }
        count = BuiltInWordData.count
        records = Array(BuiltInWordData.records.description.utf8)
        text = Array(BuiltInWordData.text.description.utf8)
        firstIndex = BuiltInWordData.firstIndex
        pairs = Array(BuiltInWordData.pairs.description.utf8)
    }

    var start: Cursor { Cursor(low: 0, high: Int32(count), depth: 0) }

    @inline(__always)
    private static func digits(_ bytes: [UInt8], _ at: Int, _ width: Int) -> Int {
        var value = 0
        for k in stride(from: width - 1, through: 0, by: -1) {
            value = value << 6 | Int(bytes[at + k] &- 0x30)
        }
        return value
    }

    @inline(__always)
    private func offset(_ index: Int32) -> Int { Self.digits(records, Int(index) * Self.recordWidth, 4) }

    @inline(__always)
    private func value(_ index: Int32) -> Int { Self.digits(records, Int(index) * Self.recordWidth + 4, 6) }

    @inline(__always)
    private func pairStart(_ key: Int) -> Int32 { Int32(Self.digits(pairs, key * 4, 4)) }

    /// The byte at `depth` of word `index`, a line feed where the word ends.
    @inline(__always)
    private func byte(_ index: Int32, _ depth: Int32) -> UInt8 { text[offset(index) + Int(depth)] }

    @inline(__always)
    private func narrow(_ cursor: Cursor, _ target: UInt8) -> Cursor? {
        var low = cursor.low
        var high = cursor.high
        if cursor.depth == 0 {
            low = firstIndex[Int(target)]
            high = firstIndex[Int(target) + 1]
        } else if cursor.depth == 1 {
            guard target != 0 else { return nil }
            let key = Int(text[offset(low)]) << 8 | Int(target)
            low = pairStart(key)
            high = pairStart(key + 1)
        } else {
            var upper = high
            while low < upper {
                let middle = low + (upper - low) / 2
                if byte(middle, cursor.depth) < target { low = middle + 1 } else { upper = middle }
            }
            upper = high
            high = low
            while high < upper {
                let middle = high + (upper - high) / 2
                if byte(middle, cursor.depth) <= target { high = middle + 1 } else { upper = middle }
            }
        }
        return low < high ? Cursor(low: low, high: high, depth: cursor.depth + 1) : nil
    }

    @inline(__always)
    func step(_ cursor: Cursor, _ scalar: UInt32) -> (Cursor, WordTable.Entry)? {
        var next = cursor
        if scalar < 0x80 {
            guard let narrowed = narrow(next, UInt8(scalar)) else { return nil }
            next = narrowed
        } else {
            guard let unicode = Unicode.Scalar(scalar) else { return nil }
            for unit in UTF8.encode(unicode)! {
                guard let narrowed = narrow(next, unit) else { return nil }
                next = narrowed
            }
        }
        let ends = byte(next.low, next.depth) == Self.lineFeed
        let value = ends ? value(next.low) : 0
        let entry = WordTable.Entry(
            rank: value & 0xff_ffff, dictionary: (value >> 24) & 0x3f,
            isPrefix: next.high - next.low > 1 || !ends)
        return (next, entry)
    }

    /// Whether the whole password, lowered, is on the shipped `passwords` list.
    ///
    /// - Parameter scalars: NFKC-normalised code points.
    /// - Returns: Whether it is listed.
    func isListedPassword(_ scalars: [UInt32]) -> Bool {
        var cursor = start
        for scalar in scalars {
            guard let (next, _) = step(cursor, StrengthEstimator.lower(scalar)) else { return false }
            cursor = next
        }
        guard cursor.depth > 0, byte(cursor.low, cursor.depth) == Self.lineFeed else { return false }
        return value(cursor.low) & (1 << 30) != 0
    }
}
