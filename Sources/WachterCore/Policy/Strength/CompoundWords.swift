internal import Foundation

/// Dutch writes compounds as one word (`zonnebloem`, `voetbalclub`), often with a
/// linking `s`, `e` or `en` between the parts, and with the first part's last
/// consonant doubled before `e`: `zon` + `ne` + `bloem`. An attacker combines
/// common words with those links, so a compound costs its parts' guesses times
/// the six ways to link them, as one pattern: without this the link's letters
/// were brute-forced and each part paid the cost of a separate pattern.
///
/// Compounds that OpenTaal lists are also ranked as whole words
/// (`policies/wordlists/compounds-nl.txt`); this prices the rest.
enum CompoundWords {
    /// The ways to link two parts: `s`, `e`, `en`, and a doubled consonant before `e` or `en`.
    static let linkForms = 6.0

    private static func isVowel(_ scalar: UInt32) -> Bool {
        [0x61, 0x65, 0x69, 0x6f, 0x75, 0x79].contains(scalar)
    }

    /// The lengths of the links that follow a part ending at `end`, longest first.
    static func links(after end: Int, in lowered: [UInt32]) -> [Int] {
        let n = lowered.count
        guard end > 0, end < n else { return [] }
        var found: [Int] = []
        let last = lowered[end - 1]
        var start = end
        // zon|ne|bloem: the doubled consonant, then the e or en.
        if !isVowel(last), last >= 0x61, last <= 0x7a, lowered[end] == last { start = end + 1 }
        for origin in Set([start, end]).sorted(by: >) {
            if origin < n, lowered[origin] == 0x65 {  // e
                if origin + 1 < n, lowered[origin + 1] == 0x6e { found.append(origin + 2 - end) }  // en
                found.append(origin + 1 - end)
            }
        }
        if lowered[end] == 0x73 { found.append(1) }  // s
        return found
    }

    /// Adds every compound of two word candidates joined by a link.
    ///
    /// - Parameters:
    ///   - words: Dictionary candidates of ordinary words (not reversed, not context).
    ///   - lowered: The password, lowered.
    ///   - found: Where compounds are added.
    static func add(_ words: [StrengthEstimator.Candidate], lowered: [UInt32], into found: inout [StrengthEstimator.Candidate]) {
        guard words.count > 1 else { return }
        var byStart: [Int: [StrengthEstimator.Candidate]] = [:]
        for word in words { byStart[word.start, default: []].append(word) }
        let cost = log10(linkForms)
        for head in words where head.end - head.start >= 2 {
            for link in links(after: head.end, in: lowered) {
                for tail in byStart[head.end + link] ?? [] where tail.end - tail.start >= 2 {
                    found.append(
                        StrengthEstimator.Candidate(
                            start: head.start, end: tail.end, log10: head.log10 + tail.log10 + cost,
                            kind: .compound(parts: 2)))
                }
            }
        }
    }
}
