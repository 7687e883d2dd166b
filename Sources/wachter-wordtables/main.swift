import Foundation

// Turns the ranked word lists into the table that WachterCore embeds
// (BuiltInWordTable.swift reads it). Run by the WordTables build plugin:
//
//     wachter-wordtables OUTPUT.swift NAME=CATEGORY=RANKING=PATH...
//
// Each word is normalised as RankedDictionary.parse does (trimmed, NFKC,
// lowered; blank lines and `#` comments skipped, rank = position, or for a
// RANKING of `flat` the middle of the list for every word), and keeps its
// best rank over all lists, the earlier list winning a tie, as WordTable.insert
// does.
//
// The words become a radix trie (a trie whose chains of single children are
// merged into one node with a label), written in pre-order as one text that the
// process walks as it is, without parsing or copying it. Every character of a
// word is a symbol: its index in the alphabet of all the words' code points,
// written as the byte 0x30 + index. Numbers are digits of six bits, each written
// as the byte 0x30 + digit, least significant first, so the text is printable
// ASCII. A node is:
//
//     label length (1 digit), child count (bits 0-5) (1 digit), flags (1 digit:
//     bit 0 a word ends here, bit 1 the child count's bit 6),
//     [value (6 digits: rank in bits 0-23, dictionary in 24-29, bit 30 when the
//     word is on the `passwords` list), only when a word ends here],
//     label (the node's symbols after the one its parent chose it by),
//     the children's first symbols (ascending), the children's offsets (4 digits each).
//
// The root is at offset 0 and has an empty label.

struct Best {
    var rank: Int
    var dictionary: Int
    var isPassword: Bool
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("wachter-wordtables: \(message)\n".utf8))
    exit(1)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else { fail("usage: wachter-wordtables OUTPUT.swift NAME=CATEGORY=RANKING=PATH...") }
var names: [String] = []
var categories: [String] = []
var best: [[UInt32]: Best] = [:]
for (dictionary, specification) in arguments.dropFirst().enumerated() {
    let parts = specification.split(separator: "=", maxSplits: 3).map(String.init)
    guard parts.count == 4, parts[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }),
        ["ranked", "flat"].contains(parts[2])
    else {
        fail("expected NAME=CATEGORY=RANKING=PATH, got \(specification)")
    }
    let path = parts[3]
    guard dictionary < 64 else { fail("at most 64 lists") }
    names.append(parts[0])
    categories.append(parts[1])
    let text: String
    do {
        text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        fail("cannot read \(path): \(error)")
    }
    let words = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    for (position, word) in words.enumerated() {
        let rank = parts[2] == "flat" ? (words.count + 1) / 2 : position + 1
        let scalars = word.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars.map(\.value)
        guard scalars.allSatisfy({ $0 > 0x20 }) else { fail("\(path): \(word) has a space or control character") }
        let capped = min(rank, 0xff_ffff)
        let isPassword = parts[0] == "passwords"
        if var known = best[scalars] {
            if capped < known.rank { (known.rank, known.dictionary) = (capped, dictionary) }
            known.isPassword = known.isPassword || isPassword
            best[scalars] = known
        } else {
            best[scalars] = Best(rank: capped, dictionary: dictionary, isPassword: isPassword)
        }
    }
}

// The alphabet, in code point order, so that sorting by code points sorts by symbols.
let alphabet = Set(best.keys.joined()).sorted()
guard alphabet.count <= 0x7e - 0x30 + 1 else { fail("more than \(0x7e - 0x30 + 1) distinct characters") }
var symbolOf: [UInt32: UInt8] = [:]
for (index, scalar) in alphabet.enumerated() { symbolOf[scalar] = UInt8(index) }
let words = best.keys.map { $0.map { symbolOf[$0]! } }.sorted { $0.lexicographicallyPrecedes($1) }
let values = best.keys.reduce(into: [[UInt8]: Int]()) { result, scalars in
    let entry = best[scalars]!
    result[scalars.map { symbolOf[$0]! }] = entry.rank | entry.dictionary << 24 | (entry.isPassword ? 1 << 30 : 0)
}

/// Writes the trie, node by node, in pre-order.
struct TrieWriter {
    let words: [[UInt8]]
    let values: [[UInt8]: Int]
    var bytes: [UInt8] = []

    mutating func append(_ value: Int, digits count: Int) {
        for k in 0..<count { bytes.append(UInt8(0x30 + (value >> (6 * k)) & 0x3f)) }
    }

    mutating func patch(_ at: Int, _ value: Int, digits count: Int) {
        for k in 0..<count { bytes[at + k] = UInt8(0x30 + (value >> (6 * k)) & 0x3f) }
    }

    static func commonPrefix(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var length = 0
        while length < a.count, length < b.count, a[length] == b[length] { length += 1 }
        return length
    }

    /// Writes the node for the words in `range` (sorted, all sharing their first
    /// `depth` symbols, the node's own label running from `labelStart` to `depth`).
    mutating func emit(_ range: Range<Int>, labelStart: Int, depth: Int) {
        var rest = range
        let ends = words[rest.lowerBound].count == depth
        if ends { rest = (rest.lowerBound + 1)..<rest.upperBound }
        // The children: groups of words with the same symbol at `depth`.
        var groups: [Range<Int>] = []
        var start = rest.lowerBound
        while start < rest.upperBound {
            var end = start + 1
            while end < rest.upperBound, words[end][depth] == words[start][depth] { end += 1 }
            groups.append(start..<end)
            start = end
        }
        guard groups.count < 128 else { fail("a node with more than 127 children") }
        append(depth - labelStart, digits: 1)
        append(groups.count & 0x3f, digits: 1)
        append((ends ? 1 : 0) | (groups.count >> 6) << 1, digits: 1)
        if ends { append(values[words[range.lowerBound]]!, digits: 6) }
        let first = words[range.lowerBound]
        for k in labelStart..<depth { bytes.append(0x30 + first[k]) }
        for group in groups { bytes.append(0x30 + words[group.lowerBound][depth]) }
        let offsets = bytes.count
        append(0, digits: 4 * groups.count)
        for (index, group) in groups.enumerated() {
            // The child takes the symbols every word of its group shares, up to the
            // first word that ends, at most 63 beyond the one it is chosen by.
            let shortest = words[group.lowerBound]
            let shared = Self.commonPrefix(shortest, words[group.upperBound - 1])
            let childDepth = min(shortest.count, shared, depth + 1 + 63)
            guard bytes.count < 1 << 24 else { fail("the table exceeds 16 MiB") }
            patch(offsets + 4 * index, bytes.count, digits: 4)
            emit(group, labelStart: depth + 1, depth: childDepth)
        }
    }
}
var writer = TrieWriter(words: words, values: values)
writer.bytes.reserveCapacity(8 << 20)
writer.emit(0..<words.count, labelStart: 0, depth: 0)
let trie = writer.bytes

// asciiSymbols[c] is 0x30 + the symbol of the code point c < 128, or a space.
let asciiSymbols = (0..<128).map { symbolOf[UInt32($0)].map { 0x30 + $0 } ?? 0x20 }
let trieText = String(decoding: trie, as: UTF8.self)
let asciiText = String(decoding: asciiSymbols, as: UTF8.self)
var hashes = "#"
while [trieText, asciiText].contains(where: { $0.contains("\"" + hashes) || $0.contains("\\" + hashes) }) {
    hashes += "#"
}
func list(_ values: [String]) -> String { "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
let source = """
    // Generated at build time by wachter-wordtables (the WordTables plugin) from policies/wordlists; do not edit.

    enum BuiltInWordData {
        static let names: [String] = \(list(names))
        static let categories: [String] = \(list(categories))
        static let count = \(words.count)
        static let alphabet: [UInt32] = [\(alphabet.map { String($0) }.joined(separator: ", "))]
        static let asciiSymbols: StaticString = \(hashes)"\(asciiText)"\(hashes)
        static let trie: StaticString = \(hashes)"\(trieText)"\(hashes)
    }

    """
do {
    try Data(source.utf8).write(to: URL(fileURLWithPath: arguments[0]), options: .atomic)
} catch {
    fail("cannot write \(arguments[0]): \(error)")
}
