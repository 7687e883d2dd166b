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
// does. The words are sorted by their UTF-8 bytes and written as one text, each
// followed by a line feed, with one fixed-width record per word: four digits of
// the word's offset in the text and six of its value (rank in bits 0-23,
// dictionary in 24-29, bit 30 when the word is on the `passwords` list), each
// digit six bits written as the character 0x30 + digit; and where the words
// that start with each one or two bytes begin.

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
var best: [[UInt8]: Best] = [:]
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
        let bytes = Array(word.precomposedStringWithCompatibilityMapping.lowercased().utf8)
        guard bytes.allSatisfy({ $0 > 0x0a }) else { fail("\(path): \(word) has a control character") }
        let capped = min(rank, 0xff_ffff)
        let isPassword = parts[0] == "passwords"
        if var known = best[bytes] {
            if capped < known.rank { (known.rank, known.dictionary) = (capped, dictionary) }
            known.isPassword = known.isPassword || isPassword
            best[bytes] = known
        } else {
            best[bytes] = Best(rank: capped, dictionary: dictionary, isPassword: isPassword)
        }
    }
}

let sorted = best.keys.sorted { $0.lexicographicallyPrecedes($1) }
func digits(_ value: Int, _ count: Int) -> String {
    String(decoding: (0..<count).map { UInt8(0x30 + (value >> (6 * $0)) & 0x3f) }, as: UTF8.self)
}
var records = ""
records.reserveCapacity(sorted.count * 10)
var text: [UInt8] = []
var firstIndex = Array(repeating: -1, count: 257)
for (index, word) in sorted.enumerated() {
    guard text.count < 1 << 24 else { fail("the word text exceeds 16 MiB") }
    let entry = best[word]!
    records += digits(text.count, 4)
    records += digits(entry.rank | entry.dictionary << 24 | (entry.isPassword ? 1 << 30 : 0), 6)
    if firstIndex[Int(word[0])] < 0 { firstIndex[Int(word[0])] = index }
    text += word
    text.append(0x0a)
}
// firstIndex[b] is where words starting with byte b begin; a byte no word starts
// with gets the start of the next one, so that [b] ..< [b + 1] is always the range.
firstIndex[256] = sorted.count
for byte in stride(from: 255, through: 0, by: -1) where firstIndex[byte] < 0 { firstIndex[byte] = firstIndex[byte + 1] }

// pairIndex[b0 << 8 | b1] is where words starting with the bytes b0 b1 begin (a
// one-byte word counts as b0 0), so that the second step of a walk needs no search.
var pairIndex = Array(repeating: -1, count: 65537)
for (index, word) in sorted.enumerated() {
    let key = Int(word[0]) << 8 | (word.count > 1 ? Int(word[1]) : 0)
    if pairIndex[key] < 0 { pairIndex[key] = index }
}
pairIndex[65536] = sorted.count
for key in stride(from: 65535, through: 0, by: -1) where pairIndex[key] < 0 { pairIndex[key] = pairIndex[key + 1] }
let pairs = pairIndex.map { digits($0, 4) }.joined()

let textString = String(decoding: text, as: UTF8.self)
var hashes = "#"
while textString.contains("\"" + hashes) || textString.contains("\\" + hashes) { hashes += "#" }
func list(_ values: [String]) -> String { "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
let source = """
    // Generated at build time by wachter-wordtables (the WordTables plugin) from policies/wordlists; do not edit.

    enum BuiltInWordData {
        static let names: [String] = \(list(names))
        static let categories: [String] = \(list(categories))
        static let count = \(sorted.count)
        static let firstIndex: [Int32] = [\(firstIndex.map(String.init).joined(separator: ", "))]
        static let records: StaticString = #"\(records)"#
        static let pairs: StaticString = #"\(pairs)"#
        static let text: StaticString = \(hashes)\"\"\"

    """ + textString + "\n\"\"\"\(hashes)\n}\n"
do {
    try Data(source.utf8).write(to: URL(fileURLWithPath: arguments[0]), options: .atomic)
} catch {
    fail("cannot write \(arguments[0]): \(error)")
}
