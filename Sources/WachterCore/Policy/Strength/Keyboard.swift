/// A keyboard layout as a graph of adjacent keys, for finding walks such as
/// `qwerty`, `azerty` or `1qaz2wsx`.
struct KeyboardGraph: Sendable {
    /// The layout's name, as shown in matched patterns.
    let name: String
    /// Key index and shift state for each character the layout can type.
    private let keyOf: [UInt32: (key: Int, shifted: Bool)]
    /// For each key, its neighbour in each direction, or -1.
    private let neighbours: [[Int]]
    /// The number of keys, used to count a walk's possible starting points.
    let startingPositions: Int
    /// The average number of neighbours of a key.
    let averageDegree: Double

    /// Builds a staggered typewriter layout. Each row is a list of two-character
    /// strings (unshifted, shifted); each row sits half a key to the right of the
    /// one above, as on ISO and ANSI keyboards, so a key touches the key above it,
    /// the one above and to the right, and the two below it to the left and under.
    init(name: String, staggeredRows rows: [[String]]) {
        var positions: [(row: Int, column: Int)] = []
        var keyOf: [UInt32: (key: Int, shifted: Bool)] = [:]
        var index: [Int: Int] = [:]
        for (row, keys) in rows.enumerated() {
            for (column, pair) in keys.enumerated() {
                let key = positions.count
                positions.append((row, column))
                index[row * 64 + column] = key
                for (offset, scalar) in pair.unicodeScalars.enumerated() where keyOf[scalar.value] == nil {
                    keyOf[scalar.value] = (key, offset == 1)
                }
            }
        }
        // Directions: left, right, up, up-right, down-left, down.
        let offsets = [(0, -1), (0, 1), (-1, 0), (-1, 1), (1, -1), (1, 0)]
        self.init(name: name, positions: positions, keyOf: keyOf, index: index, offsets: offsets)
    }

    /// Builds a grid layout such as a numeric keypad, where a key touches all
    /// eight keys around it.
    init(name: String, gridRows rows: [String]) {
        var positions: [(row: Int, column: Int)] = []
        var keyOf: [UInt32: (key: Int, shifted: Bool)] = [:]
        var index: [Int: Int] = [:]
        for (row, keys) in rows.enumerated() {
            for (column, scalar) in keys.unicodeScalars.enumerated() where scalar != " " {
                let key = positions.count
                positions.append((row, column))
                index[row * 64 + column] = key
                keyOf[scalar.value] = (key, false)
            }
        }
        let offsets = [(0, -1), (0, 1), (-1, 0), (1, 0), (-1, -1), (-1, 1), (1, -1), (1, 1)]
        self.init(name: name, positions: positions, keyOf: keyOf, index: index, offsets: offsets)
    }

    private init(
        name: String, positions: [(row: Int, column: Int)], keyOf: [UInt32: (key: Int, shifted: Bool)],
        index: [Int: Int], offsets: [(Int, Int)]
    ) {
        var neighbours: [[Int]] = []
        var degrees = 0
        for position in positions {
            var around: [Int] = []
            for (rowOffset, columnOffset) in offsets {
                let row = position.row + rowOffset
                let column = position.column + columnOffset
                if row >= 0, column >= 0, let key = index[row * 64 + column] {
                    around.append(key)
                    degrees += 1
                } else {
                    around.append(-1)
                }
            }
            neighbours.append(around)
        }
        self.name = name
        self.keyOf = keyOf
        self.neighbours = neighbours
        self.startingPositions = positions.count
        self.averageDegree = positions.isEmpty ? 0 : Double(degrees) / Double(positions.count)
    }

    /// The key that types a character on this layout, and whether shift is needed.
    @inline(__always)
    func key(for scalar: UInt32) -> (key: Int, shifted: Bool)? { keyOf[scalar] }

    /// The direction from one key to a neighbouring key, or nil when they do not touch.
    @inline(__always)
    func direction(from: Int, to: Int) -> Int? {
        let around = neighbours[from]
        for direction in 0..<around.count where around[direction] == to { return direction }
        return nil
    }

    /// US qwerty, which most keyboards in the Netherlands use.
    static let qwerty = KeyboardGraph(
        name: "qwerty",
        staggeredRows: [
            ["`~", "1!", "2@", "3#", "4$", "5%", "6^", "7&", "8*", "9(", "0)", "-_", "=+"],
            ["qQ", "wW", "eE", "rR", "tT", "yY", "uU", "iI", "oO", "pP", "[{", "]}", "\\|"],
            ["aA", "sS", "dD", "fF", "gG", "hH", "jJ", "kK", "lL", ";:", "'\""],
            ["zZ", "xX", "cC", "vV", "bB", "nN", "mM", ",<", ".>", "/?"],
        ])

    /// French azerty, used in Belgium and France; its digits need shift.
    static let azerty = KeyboardGraph(
        name: "azerty",
        staggeredRows: [
            ["²³", "&1", "é2", "\"3", "'4", "(5", "-6", "è7", "_8", "ç9", "à0", ")°", "=+"],
            ["aA", "zZ", "eE", "rR", "tT", "yY", "uU", "iI", "oO", "pP", "^¨", "$£"],
            ["qQ", "sS", "dD", "fF", "gG", "hH", "jJ", "kK", "lL", "mM", "ù%", "*µ"],
            ["wW", "xX", "cC", "vV", "bB", "nN", ",?", ";.", ":/", "!§"],
        ])

    /// A numeric keypad.
    static let keypad = KeyboardGraph(
        name: "keypad",
        gridRows: [" /*-", "789+", "456", "123", "0."])
}
