/// The shipped word lists as the build made them: every word normalised,
/// lowered and given its best rank, in a radix trie (see
/// `Sources/wachter-wordtables` for the layout), embedded in the binary and
/// walked where it lies.
///
/// Nothing is parsed or copied when a process starts: a walk reads the few
/// bytes of the nodes it passes, straight from the binary's read-only data, so
/// a process that judges one password touches a few pages of the table, and
/// each step of a walk costs one node's header and a short scan of its
/// children's first characters. This file is the only reader of those bytes.
struct BuiltInWordTable: WordIndex {
    /// Where a walk is: in `node`, having read `matched` symbols of its label.
    struct Cursor {
        var node: Int32
        var matched: Int32
    }

    /// The dictionaries' names, in the order of their numbers.
    let names: [String]
    /// What each dictionary's words are.
    let categories: [RankedDictionary.Category]
    /// How many distinct words there are.
    let count: Int

    private static let digitBase: UInt8 = 0x30
    /// A child list this long or longer is searched by halving; shorter ones are scanned.
    private static let scanLimit = 8

    /// The table built into this binary.
    static let shared = BuiltInWordTable()

    private init() {
        names = BuiltInWordData.names
        categories = BuiltInWordData.categories.map { RankedDictionary.Category(rawValue: $0) ?? .words }
        count = BuiltInWordData.count
    }

    var start: Cursor { Cursor(node: 0, matched: 0) }

    /// The table's byte for a code point (0x30 + its symbol), or nil when no word has it.
    @inline(__always)
    private static func symbol(_ scalar: UInt32) -> UInt8? {
        if scalar < 0x80 {
            let byte = BuiltInWordData.asciiSymbols.withUTF8Buffer { unsafe $0[Int(scalar)] }
            return byte >= digitBase ? byte : nil
        }
        let alphabet = BuiltInWordData.alphabet
        var low = 0
        var high = alphabet.count
        while low < high {
            let middle = (low + high) / 2
            if alphabet[middle] < scalar { low = middle + 1 } else { high = middle }
        }
        return low < alphabet.count && alphabet[low] == scalar ? digitBase + UInt8(low) : nil
    }

    /// A node's fixed part, read from its first bytes.
    private struct Node {
        var labelLength: Int
        var childCount: Int
        var value: Int
        var labelStart: Int

        @inline(__always)
        var childSymbols: Int { labelStart + labelLength }
    }

    /// The bytes of the embedded table, checked against its end before every read,
    /// so that a walk can never read outside it: safe to use although it holds a pointer.
    @safe private struct Bytes {
        let buffer: UnsafeBufferPointer<UInt8>

        @inline(__always)
        subscript(_ index: Int) -> UInt8 {
            unsafe precondition(index >= 0 && index < buffer.count, "outside the word table")
            return unsafe buffer[index]
        }

        /// A number of `width` six-bit digits, least significant first.
        @inline(__always)
        func number(at index: Int, width: Int) -> Int {
            var value = 0
            for k in stride(from: width - 1, through: 0, by: -1) {
                value = value << 6 | Int(self[index + k] &- BuiltInWordTable.digitBase)
            }
            return value
        }

        @inline(__always)
        func node(at offset: Int) -> Node {
            let labelLength = Int(self[offset] &- BuiltInWordTable.digitBase)
            let flags = Int(self[offset + 2] &- BuiltInWordTable.digitBase)
            let childCount = Int(self[offset + 1] &- BuiltInWordTable.digitBase) | (flags & 2) << 5
            let ends = flags & 1 != 0
            return Node(
                labelLength: labelLength, childCount: childCount, value: ends ? number(at: offset + 3, width: 6) : 0,
                labelStart: offset + (ends ? 9 : 3))
        }

        /// The offset of the child whose first symbol is `symbol`, or nil.
        @inline(__always)
        func child(of node: Node, _ symbol: UInt8) -> Int? {
            let symbols = node.childSymbols
            var low = 0
            var high = node.childCount
            if high >= BuiltInWordTable.scanLimit {
                while low < high {
                    let middle = (low + high) / 2
                    if self[symbols + middle] < symbol { low = middle + 1 } else { high = middle }
                }
            } else {
                while low < high, self[symbols + low] < symbol { low += 1 }
            }
            guard low < node.childCount, self[symbols + low] == symbol else { return nil }
            return number(at: symbols + node.childCount + 4 * low, width: 4)
        }
    }

    @inline(__always)
    private static func withBytes<Result>(_ body: (Bytes) -> Result) -> Result {
        BuiltInWordData.trie.withUTF8Buffer { unsafe body(Bytes(buffer: $0)) }
    }

    @inline(__always)
    func step(_ cursor: Cursor, _ scalar: UInt32) -> (Cursor, WordTable.Entry)? {
        guard let symbol = Self.symbol(scalar) else { return nil }
        return Self.withBytes { bytes -> (Cursor, WordTable.Entry)? in
            var offset = Int(cursor.node)
            var matched = Int(cursor.matched)
            var node = bytes.node(at: offset)
            if matched < node.labelLength {
                guard bytes[node.labelStart + matched] == symbol else { return nil }
                matched += 1
            } else {
                guard let child = bytes.child(of: node, symbol) else { return nil }
                offset = child
                matched = 0
                node = bytes.node(at: offset)
            }
            let atNode = matched == node.labelLength
            let value = atNode ? node.value : 0
            let entry = WordTable.Entry(
                rank: value & 0xff_ffff, dictionary: (value >> 24) & 0x3f, isPrefix: !atNode || node.childCount > 0)
            return (Cursor(node: Int32(offset), matched: Int32(matched)), entry)
        }
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
        return Self.withBytes { bytes in
            let node = bytes.node(at: Int(cursor.node))
            return Int(cursor.matched) == node.labelLength && node.value & (1 << 30) != 0
        }
    }
}
