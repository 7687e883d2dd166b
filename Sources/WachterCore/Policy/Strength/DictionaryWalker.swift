/// Finds every dictionary word in a password, also with l33t substitutions, by
/// walking a ``WordIndex`` (the built-in table or a ``WordTable``) from each
/// starting position.
///
/// At each character the walk tries the character itself and every letter it
/// may stand for in l33t (`4` for `a`, `1` for `i` or `l`, ...). The table holds
/// every prefix of every word, so a branch ends as soon as no word starts with
/// what it has read, and the walk stays close to linear in practice.
struct DictionaryWalker {
    struct Hit {
        var start: Int
        var end: Int
        var rank: Int
        var dictionary: Int
        var isContext: Bool
        var reversed: Bool
        /// The original characters of the matched part, in password order.
        var originalToken: ArraySlice<UInt32>
        /// (symbol, letter) for each substituted character.
        var substitutions: [(UInt32, UInt32)]
    }

    let lowered: [UInt32]
    let original: [UInt32]
    private var path: [UInt32]
    private(set) var hits: [Hit] = []

    init(lowered: [UInt32], original: [UInt32]) {
        self.lowered = lowered
        self.original = original
        self.path = Array(repeating: 0, count: lowered.count)
    }

    static func reverse(_ scalars: [UInt32]) -> [UInt32] { Array(scalars.reversed()) }

    /// The letters a l33t symbol may stand for, or (0, 0).
    @inline(__always)
    static func letters(for symbol: UInt32) -> (UInt32, UInt32) {
        switch symbol {
        case 0x34, 0x40: (0x61, 0)  // 4 @ -> a
        case 0x38: (0x62, 0)  // 8 -> b
        case 0x28, 0x7b, 0x5b, 0x3c: (0x63, 0)  // ( { [ < -> c
        case 0x33: (0x65, 0)  // 3 -> e
        case 0x36, 0x39: (0x67, 0)  // 6 9 -> g
        case 0x31, 0x7c: (0x69, 0x6c)  // 1 | -> i l
        case 0x21: (0x69, 0)  // ! -> i
        case 0x30: (0x6f, 0)  // 0 -> o
        case 0x24, 0x35: (0x73, 0)  // $ 5 -> s
        case 0x37, 0x2b: (0x74, 0)  // 7 + -> t
        case 0x25: (0x78, 0)  // % -> x
        case 0x32: (0x7a, 0)  // 2 -> z
        default: (0, 0)
        }
    }

    private struct Walk<Index: WordIndex> {
        var start: Int
        var table: Index
        var isContext: Bool
        var reversed: Bool
    }

    mutating func run<Index: WordIndex>(table: Index, isContext: Bool, reversed: Bool) {
        for start in 0..<lowered.count {
            let walk = Walk(start: start, table: table, isContext: isContext, reversed: reversed)
            extend(walk, at: start, cursor: table.start, substituted: 0)
        }
    }

    private mutating func extend<Index: WordIndex>(
        _ walk: Walk<Index>, at position: Int, cursor: Index.Cursor, substituted: Int
    ) {
        guard position < lowered.count else { return }
        let scalar = lowered[position]
        step(walk, at: position, cursor: cursor, letter: scalar, substituted: substituted)
        let (first, second) = Self.letters(for: scalar)
        if first != 0 { step(walk, at: position, cursor: cursor, letter: first, substituted: substituted + 1) }
        if second != 0 { step(walk, at: position, cursor: cursor, letter: second, substituted: substituted + 1) }
    }

    @inline(__always)
    private mutating func step<Index: WordIndex>(
        _ walk: Walk<Index>, at position: Int, cursor: Index.Cursor, letter: UInt32, substituted: Int
    ) {
        guard let (next, entry) = walk.table.step(cursor, letter) else { return }
        path[position] = letter
        if entry.rank > 0 {
            record(walk, end: position + 1, entry: entry, substituted: substituted)
        }
        if entry.isPrefix {
            extend(walk, at: position + 1, cursor: next, substituted: substituted)
        }
    }

    private mutating func record<Index: WordIndex>(
        _ walk: Walk<Index>, end: Int, entry: WordTable.Entry, substituted: Int
    ) {
        var substitutions: [(UInt32, UInt32)] = []
        if substituted > 0 {
            for position in walk.start..<end where path[position] != lowered[position] {
                substitutions.append((lowered[position], path[position]))
            }
        }
        let n = lowered.count
        let start = walk.reversed ? n - end : walk.start
        let stop = walk.reversed ? n - walk.start : end
        hits.append(
            Hit(
                start: start, end: stop, rank: entry.rank, dictionary: entry.dictionary, isContext: walk.isContext,
                reversed: walk.reversed, originalToken: original[walk.start..<end], substitutions: substitutions))
    }
}
