internal import Foundation

/// Estimates how many guesses an informed attacker needs for a password.
///
/// The estimator follows the idea of Wheeler's zxcvbn (USENIX Security 2016):
/// find every pattern in the password (dictionary words, also reversed and with
/// l33t substitutions, keyboard walks, sequences, repeats, dates, years, words
/// from the account's context), give each an estimate of the guesses an attacker
/// who tries that kind of pattern first would need, and then find by dynamic
/// programming the cover of the password by patterns and single characters whose
/// guesses are fewest. The code is our own.
///
/// It works on arrays of code points and hashes words as it walks them, so that
/// one estimate of a typical password takes a few microseconds.
public struct StrengthEstimator: Sendable {
    /// The built-in table, or a hash table of the dictionaries given.
    private enum Words: Sendable {
        case builtIn(BuiltInWordTable)
        case table(WordTable)
    }

    private let words: Words
    private let dictionaryNames: [String]
    private let dictionaryCategories: [RankedDictionary.Category]
    private let keyboards: [KeyboardGraph] = [.qwerty, .azerty, .keypad]
    /// The year that dates and years are measured from.
    public let referenceYear: Int

    /// Passwords longer than this are estimated on their first part only, plus
    /// one digit of guesses per further character.
    static let longestAnalysed = 128
    /// Each further pattern in a password costs the attacker at least this many
    /// guesses (log10), since the attacker does not know how many parts there are.
    static let perPatternLog10 = 3.0

    /// Creates an estimator from ranked dictionaries.
    ///
    /// - Parameters:
    ///   - dictionaries: The word lists, each most common first.
    ///   - referenceYear: The year that dates and years are measured from; the
    ///     current year when nil.
    public init(dictionaries: [RankedDictionary], referenceYear: Int? = nil) {
        let total = dictionaries.reduce(0) { $0 + $1.words.count }
        var table = WordTable(expectedEntries: total * 3)
        for (index, dictionary) in dictionaries.enumerated() {
            for (rank, word) in dictionary.words.enumerated() {
                table.insert(word.unicodeScalars.map(\.value), rank: rank + 1, dictionary: index)
            }
        }
        self.words = .table(table)
        self.dictionaryNames = dictionaries.map(\.name)
        self.dictionaryCategories = dictionaries.map(\.category)
        self.referenceYear = referenceYear ?? Calendar(identifier: .gregorian).component(.year, from: Date())
    }

    /// Creates an estimator with the word lists that ship with Wachter, as the
    /// build made them into a table.
    ///
    /// - Parameter referenceYear: The year that dates and years are measured
    ///   from; the current year when nil.
    public init(builtInWithReferenceYear referenceYear: Int? = nil) {
        let table = BuiltInWordTable.shared
        self.words = .builtIn(table)
        self.dictionaryNames = table.names
        self.dictionaryCategories = table.categories
        self.referenceYear = referenceYear ?? Calendar(identifier: .gregorian).component(.year, from: Date())
    }

    /// Creates an estimator over a table already made, for tests that compare the
    /// built-in table with one made at run time.
    init(table: WordTable, names: [String], categories: [RankedDictionary.Category], referenceYear: Int) {
        self.words = .table(table)
        self.dictionaryNames = names
        self.dictionaryCategories = categories
        self.referenceYear = referenceYear
    }

    /// The estimator with the word lists that ship with Wachter.
    public static let builtIn = StrengthEstimator(builtInWithReferenceYear: nil)

    /// Estimates a password's strength.
    ///
    /// - Parameters:
    ///   - password: The password; it is normalised with NFKC first.
    ///   - context: Words from the account, its domain and its customer.
    /// - Returns: The estimate.
    public func estimate(_ password: String, context: [String] = []) -> StrengthEstimate {
        estimate(password, context: StrengthContext(context))
    }

    /// Estimates a password's strength with a prepared context.
    ///
    /// - Parameters:
    ///   - password: The password; it is normalised with NFKC first.
    ///   - context: Words from the account, built once per account.
    /// - Returns: The estimate.
    public func estimate(_ password: String, context: StrengthContext) -> StrengthEstimate {
        let normalized =
            password.utf8.allSatisfy({ $0 < 0x80 })
            ? password : password.precomposedStringWithCompatibilityMapping
        return estimate(scalars: normalized.unicodeScalars.map(\.value), context: context)
    }

    /// Estimates the strength of a password given as UTF-8 bytes, as read from a
    /// file or a socket, without making a `String` when the bytes are ASCII.
    ///
    /// - Parameters:
    ///   - utf8: The password's bytes; invalid UTF-8 is repaired with U+FFFD.
    ///   - context: Words from the account.
    /// - Returns: The estimate.
    public func estimate(utf8: [UInt8], context: StrengthContext) -> StrengthEstimate {
        if utf8.allSatisfy({ $0 < 0x80 }) {
            return estimate(scalars: utf8.map { UInt32($0) }, context: context)
        }
        return estimate(String(decoding: utf8, as: UTF8.self), context: context)
    }

    /// Estimates the strength of a password already normalised to NFKC and given
    /// as code points.
    ///
    /// - Parameters:
    ///   - scalars: The password's code points.
    ///   - context: Words from the account.
    /// - Returns: The estimate.
    public func estimate(scalars: [UInt32], context: StrengthContext) -> StrengthEstimate {
        var analysed = scalars
        var extra = 0.0
        if scalars.count > Self.longestAnalysed {
            analysed = Array(scalars[0..<Self.longestAnalysed])
            extra = Double(scalars.count - Self.longestAnalysed)
        }
        let result = analyse(analysed, context: context.table, depth: 0)
        return StrengthEstimate(
            guessesLog10: result.log10 + extra, length: scalars.count, matches: result.matches,
            issue: issue(for: result.matches, length: analysed.count))
    }

    // MARK: - Analysis

    struct Candidate {
        var start: Int
        var end: Int
        var log10: Double
        var kind: PatternMatch.Kind
    }

    private func analyse(
        _ original: [UInt32], context: WordTable?, depth: Int
    ) -> (log10: Double, matches: [PatternMatch]) {
        let n = original.count
        if n == 0 { return (0, []) }
        let lowered = original.map(Self.lower)
        var found: [Candidate] = []
        found.reserveCapacity(32)
        var walker = DictionaryWalker(lowered: lowered, original: original)
        runDictionaries(&walker, reversed: false)
        if let context, context.count > 0 { walker.run(table: context, isContext: true, reversed: false) }
        let reversed = DictionaryWalker.reverse(lowered)
        var backwards = DictionaryWalker(lowered: reversed, original: Array(original.reversed()))
        runDictionaries(&backwards, reversed: true)
        if let context, context.count > 0 { backwards.run(table: context, isContext: true, reversed: true) }
        var words: [Candidate] = []
        for hit in walker.hits + backwards.hits {
            let candidate = dictionaryCandidate(hit, length: n)
            found.append(candidate)
            if !hit.reversed && hit.end - hit.start >= 3 {
                addInflections(of: candidate, lowered: lowered, into: &found)
            }
            if !hit.reversed, !hit.isContext, dictionaryCategories[hit.dictionary] == .words { words.append(candidate) }
        }
        CompoundWords.add(words, lowered: lowered, into: &found)
        for keyboard in keyboards { matchKeyboard(keyboard, original, into: &found) }
        matchSequences(lowered, into: &found)
        if depth == 0 { matchRepeats(lowered, original: original, context: context, depth: depth, into: &found) }
        matchDates(lowered, into: &found)
        return cheapestCover(n, found)
    }

    private func runDictionaries(_ walker: inout DictionaryWalker, reversed: Bool) {
        switch words {
        case .builtIn(let table): walker.run(table: table, isContext: false, reversed: reversed)
        case .table(let table): walker.run(table: table, isContext: false, reversed: reversed)
        }
    }

    @inline(__always)
    static func lower(_ scalar: UInt32) -> UInt32 {
        if scalar < 0x80 {
            return scalar >= 0x41 && scalar <= 0x5a ? scalar + 0x20 : scalar
        }
        guard let value = Unicode.Scalar(scalar), value.properties.changesWhenLowercased else { return scalar }
        let mapped = value.properties.lowercaseMapping.unicodeScalars
        return mapped.count == 1 ? mapped.first!.value : scalar
    }

    @inline(__always)
    static func isUpper(_ scalar: UInt32) -> Bool {
        if scalar < 0x80 { return scalar >= 0x41 && scalar <= 0x5a }
        return Unicode.Scalar(scalar)?.properties.isUppercase ?? false
    }

    @inline(__always)
    static func isLower(_ scalar: UInt32) -> Bool {
        if scalar < 0x80 { return scalar >= 0x61 && scalar <= 0x7a }
        return Unicode.Scalar(scalar)?.properties.isLowercase ?? false
    }

    /// C(n, k).
    static func binomial(_ n: Int, _ k: Int) -> Double {
        if k < 0 || k > n { return 0 }
        var result = 1.0
        if k == 0 { return 1 }
        for i in 1...k { result = result * Double(n - i + 1) / Double(i) }
        return result
    }

    /// The sum of C(n, i) for i in 1...k: the ways to choose which of n letters
    /// were changed when at most k of them were.
    static func choices(_ n: Int, upTo k: Int) -> Double {
        var total = 0.0
        var term = 1.0
        for i in 1...max(1, k) {
            term = term * Double(n - i + 1) / Double(i)
            total += term
        }
        return max(total, 1)
    }

    private func dictionaryCandidate(_ hit: DictionaryWalker.Hit, length n: Int) -> Candidate {
        var log10 = Foundation.log10(Double(hit.rank))
        // Capitals: none costs nothing, a first, last or all capitals costs a
        // factor of two, and anything else the ways to place them.
        var upper = 0
        var lower = 0
        for scalar in hit.originalToken {
            if Self.isUpper(scalar) { upper += 1 } else if Self.isLower(scalar) { lower += 1 }
        }
        if upper > 0 {
            let first = Self.isUpper(hit.originalToken.first!)
            let last = Self.isUpper(hit.originalToken.last!)
            if lower == 0 || (upper == 1 && (first || last)) {
                log10 += Foundation.log10(2)
            } else {
                log10 += Foundation.log10(Self.choices(upper + lower, upTo: min(upper, lower)))
            }
        }
        // l33t: for each letter written as a symbol, the ways to choose which of
        // its occurrences were substituted.
        var l33t = false
        if !hit.substitutions.isEmpty {
            l33t = true
            var seen: Set<UInt64> = []
            for (symbol, letter) in hit.substitutions where seen.insert(UInt64(symbol) << 32 | UInt64(letter)).inserted {
                let subbed = hit.substitutions.filter { $0 == (symbol, letter) }.count
                let plain = hit.originalToken.filter { Self.lower($0) == letter }.count
                if plain == 0 {
                    log10 += Foundation.log10(2)
                } else {
                    log10 += Foundation.log10(Self.choices(subbed + plain, upTo: min(subbed, plain)))
                }
            }
        }
        if hit.reversed { log10 += Foundation.log10(2) }
        let kind: PatternMatch.Kind =
            hit.isContext
            ? .context(reversed: hit.reversed, l33t: l33t)
            : .dictionary(name: dictionaryNames[hit.dictionary], rank: hit.rank, reversed: hit.reversed, l33t: l33t)
        return Candidate(start: hit.start, end: hit.end, log10: log10, kind: kind)
    }

    /// English and Dutch endings that turn a listed word into an unlisted form
    /// (`composts`, `fixates`, `uitdoven`, `torentjes`).
    private static let suffixes: [[UInt32]] = [
        "s", "es", "ed", "d", "ing", "er", "ers", "est", "ly", "y", "n", "en", "e", "de", "te", "ten", "je", "jes",
        "tje", "tjes", "heid", "lijk",
    ].map { $0.unicodeScalars.map(\.value) }

    /// Adds the word with each ending that follows it, costing the word's guesses
    /// times the number of endings an attacker would try.
    private func addInflections(of word: Candidate, lowered: [UInt32], into found: inout [Candidate]) {
        let cost = log10(Double(Self.suffixes.count))
        for suffix in Self.suffixes where word.end + suffix.count <= lowered.count {
            var matches = true
            for (offset, scalar) in suffix.enumerated() where lowered[word.end + offset] != scalar {
                matches = false
                break
            }
            if matches {
                var inflected = word
                inflected.end += suffix.count
                inflected.log10 += cost
                found.append(inflected)
            }
        }
    }

    private func matchKeyboard(_ keyboard: KeyboardGraph, _ original: [UInt32], into found: inout [Candidate]) {
        let n = original.count
        var i = 0
        while i < n - 2 {
            guard var previous = keyboard.key(for: original[i]) else {
                i += 1
                continue
            }
            var shifted = previous.shifted ? 1 : 0
            var turns = 0
            var lastDirection = -1
            var j = i + 1
            while j < n, let next = keyboard.key(for: original[j]),
                let direction = keyboard.direction(from: previous.key, to: next.key)
            {
                if direction != lastDirection {
                    turns += 1
                    lastDirection = direction
                }
                if next.shifted { shifted += 1 }
                previous = next
                j += 1
            }
            let length = j - i
            if length >= 3 {
                var guesses = 0.0
                let starts = Double(keyboard.startingPositions)
                for walk in 2...length {
                    for turn in 1...min(turns, walk - 1) {
                        guesses += Self.binomial(walk - 1, turn - 1) * starts * pow(keyboard.averageDegree, Double(turn))
                    }
                }
                var log10 = Foundation.log10(max(guesses, 1))
                if shifted == length {
                    log10 += Foundation.log10(2)
                } else if shifted > 0 {
                    log10 += Foundation.log10(Self.choices(length, upTo: min(shifted, length - shifted)))
                }
                found.append(
                    Candidate(
                        start: i, end: j, log10: log10,
                        kind: .keyboardWalk(layout: keyboard.name, turns: turns, shifted: shifted)))
                i = j
            } else {
                i += 1
            }
        }
    }

    private func matchSequences(_ lowered: [UInt32], into found: inout [Candidate]) {
        let n = lowered.count
        func kind(_ scalar: UInt32) -> Int {
            if scalar >= 0x30 && scalar <= 0x39 { return 0 }
            if scalar >= 0x61 && scalar <= 0x7a { return 1 }
            return -1
        }
        var i = 0
        while i < n - 2 {
            let kindHere = kind(lowered[i])
            let delta = Int(lowered[i + 1]) - Int(lowered[i])
            guard kindHere >= 0, kind(lowered[i + 1]) == kindHere, delta != 0, abs(delta) <= 5 else {
                i += 1
                continue
            }
            var j = i + 2
            while j < n, kind(lowered[j]) == kindHere, Int(lowered[j]) - Int(lowered[j - 1]) == delta { j += 1 }
            if j - i >= 3 {
                let first = lowered[i]
                var base: Double = kindHere == 0 ? 10 : 26
                if [0x61, 0x7a, 0x30, 0x31, 0x39].contains(first) { base = 4 }
                if delta < 0 { base *= 2 }
                if abs(delta) > 1 { base *= Double(abs(delta)) }
                found.append(
                    Candidate(
                        start: i, end: j, log10: Foundation.log10(base * Double(j - i)),
                        kind: .sequence(ascending: delta > 0)))
                i = j - 1
            } else {
                i += 1
            }
        }
    }

    private func matchRepeats(
        _ lowered: [UInt32], original: [UInt32], context: WordTable?, depth: Int, into found: inout [Candidate]
    ) {
        let n = lowered.count
        var i = 0
        while i < n - 1 {
            var span = 0
            var block = 1
            while block <= (n - i) / 2 {
                var count = 1
                var next = i + block
                while next + block <= n, Self.equal(lowered, i, next, block) {
                    count += 1
                    next += block
                }
                if count >= 2 && (block > 1 || count >= 3) {
                    let blockLog10 =
                        block == 1
                        ? 1.0
                        : analyse(Array(original[i..<(i + block)]), context: context, depth: depth + 1).log10
                    found.append(
                        Candidate(
                            start: i, end: i + block * count, log10: blockLog10 + log10(Double(count)),
                            kind: .repeated(count: count)))
                    span = block * count
                    break
                }
                block += 1
            }
            i += max(span, 1)
        }
    }

    @inline(__always)
    private static func equal(_ array: [UInt32], _ a: Int, _ b: Int, _ length: Int) -> Bool {
        for k in 0..<length where array[a + k] != array[b + k] { return false }
        return true
    }

    private func matchDates(_ lowered: [UInt32], into found: inout [Candidate]) {
        let n = lowered.count
        @inline(__always) func digit(_ k: Int) -> Int? {
            let scalar = lowered[k]
            return scalar >= 0x30 && scalar <= 0x39 ? Int(scalar - 0x30) : nil
        }
        func yearSpace(_ year: Int) -> Double { Double(max(abs(year - referenceYear), 20)) }
        // Years, 1900 to 2099.
        if n >= 4 {
            for i in 0...(n - 4) {
                guard let a = digit(i), let b = digit(i + 1), let c = digit(i + 2), let d = digit(i + 3) else { continue }
                let year = a * 1000 + b * 100 + c * 10 + d
                if (1900...2099).contains(year) {
                    found.append(Candidate(start: i, end: i + 4, log10: log10(yearSpace(year)), kind: .year(year)))
                }
            }
        }
        // Dates of four to ten characters: digits only, or three groups of digits
        // with the same separator between them.
        for i in 0..<n {
            guard digit(i) != nil else { continue }
            var groups: [[Int]] = [[]]
            var separator: UInt32?
            var j = i
            while j < n, j - i < 10 {
                if let value = digit(j) {
                    groups[groups.count - 1].append(value)
                } else if [0x2f, 0x5c, 0x2d, 0x2e, 0x5f, 0x20].contains(lowered[j]),
                    separator == nil || separator == lowered[j], groups.count < 3, !groups[groups.count - 1].isEmpty
                {
                    separator = lowered[j]
                    groups.append([])
                } else {
                    break
                }
                j += 1
                let length = j - i
                guard length >= 4, let last = groups.last, !last.isEmpty else { continue }
                if separator == nil {
                    guard length <= 8, let year = bestDate(digits: groups[0], yearSpace: yearSpace) else { continue }
                    found.append(
                        Candidate(start: i, end: j, log10: log10(yearSpace(year) * 365), kind: .date(year: year)))
                } else if groups.count == 3, let year = bestDate(groups: groups, yearSpace: yearSpace) {
                    found.append(
                        Candidate(start: i, end: j, log10: log10(yearSpace(year) * 365 * 4), kind: .date(year: year)))
                }
            }
        }
    }

    private static func number(_ digits: ArraySlice<Int>) -> Int { digits.reduce(0) { $0 * 10 + $1 } }

    private static func fullYear(_ digits: ArraySlice<Int>) -> Int? {
        let value = number(digits)
        if digits.count == 2 { return value > 50 ? 1900 + value : 2000 + value }
        if digits.count == 4, (1900...2099).contains(value) { return value }
        return nil
    }

    private static func isDay(_ day: Int, month: Int) -> Bool { (1...12).contains(month) && (1...31).contains(day) }

    /// The plausible year, closest to the reference year, of a date written
    /// as digits only, trying day-month-year, month-day-year and year-month-day.
    private func bestDate(digits: [Int], yearSpace: (Int) -> Double) -> Int? {
        var best: Int?
        let n = digits.count
        for yearLength in [2, 4] where yearLength < n {
            let rest = n - yearLength
            guard rest >= 2, rest <= 4 else { continue }
            for firstLength in 1...2 {
                let secondLength = rest - firstLength
                guard (1...2).contains(secondLength) else { continue }
                // Year last.
                if let year = Self.fullYear(digits[rest...]) {
                    let a = Self.number(digits[0..<firstLength])
                    let b = Self.number(digits[firstLength..<rest])
                    if Self.isDay(a, month: b) || Self.isDay(b, month: a) {
                        if best == nil || yearSpace(year) < yearSpace(best!) { best = year }
                    }
                }
                // Year first.
                if let year = Self.fullYear(digits[0..<yearLength]) {
                    let a = Self.number(digits[yearLength..<(yearLength + firstLength)])
                    let b = Self.number(digits[(yearLength + firstLength)...])
                    if Self.isDay(b, month: a) {
                        if best == nil || yearSpace(year) < yearSpace(best!) { best = year }
                    }
                }
            }
        }
        return best
    }

    private func bestDate(groups: [[Int]], yearSpace: (Int) -> Double) -> Int? {
        let a = groups[0][...]
        let b = groups[1][...]
        let c = groups[2][...]
        guard b.count <= 2 else { return nil }
        if c.count == 2 || c.count == 4, a.count <= 2, let year = Self.fullYear(c) {
            let x = Self.number(a)
            let y = Self.number(b)
            if Self.isDay(x, month: y) || Self.isDay(y, month: x) { return year }
        }
        if a.count == 4 || a.count == 2, c.count <= 2, let year = Self.fullYear(a) {
            if Self.isDay(Self.number(c), month: Self.number(b)) { return year }
        }
        return nil
    }

    // MARK: - The cheapest cover

    /// Finds the sequence of patterns and brute-forced characters covering the
    /// whole password whose guesses, counted as the product of its parts' guesses
    /// times the orderings of that many parts plus a floor per extra part, are
    /// fewest.
    private func cheapestCover(_ n: Int, _ candidates: [Candidate]) -> (log10: Double, matches: [PatternMatch]) {
        let maxParts = min(n, 24)
        let width = maxParts + 1
        let infinity = Double.infinity
        var adjusted = candidates
        // The candidates that end at k, in their order, are byEnd[firstByEnd[k] ..< firstByEnd[k + 1]].
        var firstByEnd = Array(repeating: 0, count: n + 2)
        for index in adjusted.indices {
            let length = adjusted[index].end - adjusted[index].start
            if length < n {
                // A part that is not the whole password needs at least a handful of
                // guesses, whatever pattern it is.
                adjusted[index].log10 = max(adjusted[index].log10, length == 1 ? 1 : log10(50))
            }
            firstByEnd[adjusted[index].end + 1] += 1
        }
        for k in 0...n { firstByEnd[k + 1] += firstByEnd[k] }
        // The starts and costs apart, so that the loop below copies no candidate (and
        // retains no dictionary name) per step.
        let starts = adjusted.map(\.start)
        let guesses = adjusted.map(\.log10)
        var nextByEnd = firstByEnd
        var byEnd = Array(repeating: 0, count: adjusted.count)
        for index in adjusted.indices {
            byEnd[nextByEnd[adjusted[index].end]] = index
            nextByEnd[adjusted[index].end] += 1
        }
        var cost = Array(repeating: infinity, count: (n + 1) * width)
        var costChoice = Array(repeating: -2, count: (n + 1) * width)
        var brute = Array(repeating: infinity, count: (n + 1) * width)
        var bruteExtends = Array(repeating: false, count: (n + 1) * width)
        cost[0] = 0
        for k in 1...n {
            // k characters take at most k parts: more would leave every cost infinite.
            for parts in 1...min(k, maxParts) {
                // A brute-forced character either extends a brute-forced run or starts one.
                let extend = brute[(k - 1) * width + parts] + 1
                let start = cost[(k - 1) * width + parts - 1] + 1
                let here = k * width + parts
                if extend <= start {
                    brute[here] = extend
                    bruteExtends[here] = true
                } else {
                    brute[here] = start
                }
                if brute[here] < cost[here] {
                    cost[here] = brute[here]
                    costChoice[here] = -1
                }
                for position in firstByEnd[k]..<firstByEnd[k + 1] {
                    let index = byEnd[position]
                    let value = cost[starts[index] * width + parts - 1] + guesses[index]
                    if value < cost[here] {
                        cost[here] = value
                        costChoice[here] = index
                    }
                }
            }
        }
        var bestParts = 1
        var best = infinity
        var factorial = 0.0
        for parts in 1...maxParts {
            factorial += log10(Double(parts))
            let product = cost[n * width + parts]
            if product == infinity { continue }
            let total = Self.log10Sum(product + factorial, Double(parts - 1) * Self.perPatternLog10)
            if total < best {
                best = total
                bestParts = parts
            }
        }
        var matches: [PatternMatch] = []
        var k = n
        var parts = bestParts
        while k > 0 && parts > 0 {
            let here = k * width + parts
            let choice = costChoice[here]
            if choice >= 0 {
                let candidate = adjusted[choice]
                matches.append(
                    PatternMatch(
                        kind: candidate.kind, range: candidate.start..<candidate.end, guessesLog10: candidate.log10))
                k = candidate.start
                parts -= 1
            } else {
                // Walk back to where this brute-forced run started.
                let end = k
                var position = k
                while bruteExtends[position * width + parts] { position -= 1 }
                k = position - 1
                matches.append(
                    PatternMatch(kind: .bruteforce, range: k..<end, guessesLog10: Double(end - k)))
                parts -= 1
            }
        }
        return (best, matches.reversed())
    }

    @inline(__always)
    static func log10Sum(_ a: Double, _ b: Double) -> Double {
        let high = max(a, b)
        let low = min(a, b)
        return high + log10(1 + pow(10, low - high))
    }

    // MARK: - Feedback

    private func issue(for matches: [PatternMatch], length: Int) -> StrengthIssue {
        var best: (covered: Int, issue: StrengthIssue)?
        for match in matches {
            let issue: StrengthIssue
            switch match.kind {
            case .bruteforce: continue
            case .context: issue = .contextWord
            case .dictionary(let name, _, _, _):
                let index = dictionaryNames.firstIndex(of: name) ?? 0
                switch dictionaryCategories[index] {
                case .passwords: issue = match.range.count == length ? .commonPassword : .dictionaryWord
                case .names: issue = .name
                case .words: issue = .dictionaryWord
                }
            case .compound: issue = .dictionaryWord
            case .keyboardWalk: issue = .keyboardWalk
            case .sequence: issue = .sequence
            case .repeated: issue = .repeated
            case .date, .year: issue = .date
            }
            // Context words are named first: they are the most specific advice.
            let covered = match.range.count + (issue == .contextWord ? 1000 : 0)
            if best == nil || covered > best!.covered { best = (covered, issue) }
        }
        return best?.issue ?? .tooGuessable
    }
}
