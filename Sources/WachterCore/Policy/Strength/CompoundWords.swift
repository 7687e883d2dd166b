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
        var found: [Int] = []
        forEachLink(after: end, in: lowered) { found.append($0) }
        return found
    }

    /// Calls `body` with the length of each link that follows a part ending at
    /// `end`, longest first, without allocating: it runs for every word found.
    @inline(__always)
    private static func forEachLink(after end: Int, in lowered: [UInt32], _ body: (Int) -> Void) {
        let n = lowered.count
        guard end > 0, end < n else { return }
        let last = lowered[end - 1]
        // zon|ne|bloem: the doubled consonant, then the e or en.
        let doubled = !isVowel(last) && last >= 0x61 && last <= 0x7a && lowered[end] == last
        var origin = doubled ? end + 1 : end
        while origin >= end {
            if origin < n, lowered[origin] == 0x65 {  // e
                if origin + 1 < n, lowered[origin + 1] == 0x6e { body(origin + 2 - end) }  // en
                body(origin + 1 - end)
            }
            origin -= 1
        }
        if lowered[end] == 0x73 { body(1) }  // s
    }

    /// Adds every compound of two word candidates joined by a link.
    ///
    /// - Parameters:
    ///   - words: Dictionary candidates of ordinary words (not reversed, not context).
    ///   - lowered: The password, lowered.
    ///   - found: Where compounds are added.
    static func add(_ words: [StrengthEstimator.Candidate], lowered: [UInt32], into found: inout [StrengthEstimator.Candidate]) {
        guard words.count > 1 else { return }
        let n = lowered.count
        // The words that start at s, in their order, are byStart[first[s] ..< first[s + 1]].
        var first = Array(repeating: 0, count: n + 2)
        for word in words { first[word.start + 1] += 1 }
        for start in 0...n { first[start + 1] += first[start] }
        var next = first
        var byStart = Array(repeating: 0, count: words.count)
        for (index, word) in words.enumerated() {
            byStart[next[word.start]] = index
            next[word.start] += 1
        }
        let cost = log10(linkForms)
        for head in words where head.end - head.start >= 2 {
            forEachLink(after: head.end, in: lowered) { link in
                let start = head.end + link
                guard start < n else { return }
                for position in first[start]..<first[start + 1] {
                    let tail = words[byStart[position]]
                    guard tail.end - tail.start >= 2 else { continue }
                    found.append(
                        StrengthEstimator.Candidate(
                            start: head.start, end: tail.end, log10: head.log10 + tail.log10 + cost,
                            kind: .compound(parts: 2)))
                }
            }
        }
    }
}
