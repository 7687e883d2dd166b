import Foundation
import Testing

@testable import WachterCore

struct BuiltInWordTableTests {
    /// The lists as the plugin reads them, in dictionary order.
    static let lists: [(name: String, category: RankedDictionary.Category, flat: Bool)] = [
        ("passwords", .passwords, false), ("english", .words, false), ("dutch", .words, false),
        ("names-en", .names, false), ("surnames-en", .names, false), ("names-nl", .names, false),
        ("surnames-nl", .names, false), ("compounds-nl", .words, false), ("proper-nl", .words, true),
        ("phrases-nl", .words, true),
    ]

    static let parsed: [RankedDictionary] = lists.map { list in
        let text = (try? PolicyFileTests.repositoryFile("policies/wordlists/\(list.name).txt")) ?? ""
        return RankedDictionary.parse(name: list.name, category: list.category, text: text)
    }

    /// A word's rank in list `index` as the build gives it: its position, or the
    /// middle of an unranked list.
    static func rank(_ position: Int, inList index: Int) -> Int {
        lists[index].flat ? (parsed[index].words.count + 1) / 2 : position + 1
    }

    /// The lists as a hash table made at run time, as the estimator made them before.
    static let reference: WordTable = {
        var table = WordTable(expectedEntries: 1_200_000)
        for (index, dictionary) in parsed.enumerated() {
            for (position, word) in dictionary.words.enumerated() {
                table.insert(word.unicodeScalars.map(\.value), rank: rank(position, inList: index), dictionary: index)
            }
        }
        return table
    }()

    static func walk<Index: WordIndex>(_ table: Index, _ word: String) -> WordTable.Entry? {
        var cursor = table.start
        var entry: WordTable.Entry?
        for scalar in word.unicodeScalars {
            guard let (next, found) = table.step(cursor, scalar.value) else { return nil }
            cursor = next
            entry = found
        }
        return entry
    }

    @Test func theBuiltInTableHoldsEveryListedWordWithItsBestRankAndDictionary() throws {
        let table = BuiltInWordTable.shared
        #expect(table.names == Self.lists.map(\.name))
        #expect(table.categories == Self.lists.map(\.category))
        let reference = Self.reference
        var distinct: Set<String> = []
        for dictionary in Self.parsed {
            for word in dictionary.words where distinct.insert(word).inserted {
                let expected = try #require(Self.walk(reference, word))
                let found = try #require(Self.walk(table, word), "\(word)")
                #expect(found == expected, "\(word)")
                // The prefixes of every ninth word too, so that walks stop exactly
                // where they did (all of them take a minute in a debug build).
                guard distinct.count % 9 == 0 else { continue }
                let scalars = Array(word.unicodeScalars)
                for length in 1..<scalars.count {
                    let prefix = String(String.UnicodeScalarView(scalars[0..<length]))
                    #expect(Self.walk(table, prefix) == Self.walk(reference, prefix), "\(prefix)")
                }
            }
        }
        #expect(table.count == distinct.count)
        #expect(Self.walk(table, "qzxqzxqzx") == nil)
    }

    @Test func verdictsEqualThoseOfTheListsParsedAtRunTime() {
        let parsed = StrengthEstimator(
            table: Self.reference, names: Self.lists.map(\.name), categories: Self.lists.map(\.category),
            referenceYear: 2026)
        let builtIn = StrengthEstimator(builtInWithReferenceYear: 2026)
        let passwords = [
            "password", "P@ssw0rd!", "correcthorsebatterystaple", "Zonnebloem2019!!", "nommelk", "drowssap",
            "Welkom01", "jansen1987", "qwertyuiop", "tr0ub4dor&3", "fietsenmaker", "Amsterdam2024!", "xq7#Lp2vR9",
            "appeltaart-met-slagroom", "ΣίσυφοςÆØÅ", "wachtwoord", "voetbalclub", "dragon123", "ilovemaria",
        ]
        for password in passwords {
            let expected = parsed.estimate(password, context: ["Bakkerij Jansen"])
            let found = builtIn.estimate(password, context: ["Bakkerij Jansen"])
            #expect(found.guessesLog10 == expected.guessesLog10, "\(password)")
            #expect(found.matches == expected.matches, "\(password)")
        }
    }

    @Test func theBuiltInBlocklistIsThePasswordsList() {
        let fromFile = Blocklist(name: "common passwords", entries: Self.parsed[0].words)
        for word in Self.parsed[0].words.prefix(2000) + ["Dragon", "PASSWORD", "english", "zonnebloem2019"] {
            let scalars = word.unicodeScalars.map(\.value)
            #expect(Blocklist.builtIn.contains(scalars) == fromFile.contains(scalars), "\(word)")
        }
        #expect(Blocklist.builtIn.contains("123456".unicodeScalars.map(\.value)))
    }
}
