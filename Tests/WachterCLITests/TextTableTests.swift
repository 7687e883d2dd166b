import Foundation
import Testing

@testable import wachter

struct TextTableTests {
    /// The table as `Output.table` printed it before it had to scale: the reference for its content.
    static func reference(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return ([header] + rows).map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ") + "\n"
        }.joined()
    }

    static func reference(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    @Test func aTableReadsAsItDidBeforeCellForCell() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789@.-_ ")
        for _ in 0..<50 {
            let columns = Int.random(in: 1...8, using: &generator)
            let header = (0..<columns).map { "COLUMN\($0)" }
            let rows = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                (0..<columns).map { _ in
                    String((0..<Int.random(in: 0...30, using: &generator)).map { _ in alphabet.randomElement()! })
                }
            }
            #expect(TextTable.render(header, rows) == Self.reference(header, rows))
        }
    }

    @Test func anEmptyTableIsItsHeader() {
        #expect(TextTable.render(["NAME", "KIND"], []) == "NAME  KIND\n")
    }

    @Test func aCellOutsideASCIIIsMeasuredInCharactersAndNeverCut() {
        let rendered = TextTable.render(["NAME", "CITY"], [["Bäckerei", "Köln"], ["🥐 Croissant", "Paris"], ["ab", "x"]])
        #expect(rendered == "NAME         CITY\nBäckerei     Köln\n🥐 Croissant  Paris\nab           x\n")
        #expect(TextTable.width("🥐 Croissant") == 11)
        #expect(TextTable.width("e\u{301}") == 1)
    }

    @Test(arguments: [
        0, 1, 59.999, -0.5, -1, -86_400, -86_401, 951_782_400, 951_868_800, 1_700_000_000.75, 1_709_164_800,
        4_102_444_799, 253_402_300_799, -62_135_596_800,
    ])
    func aTimeReadsAsTheDateFormatterWroteIt(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(TextDate.iso8601(date) == Self.reference(date))
    }

    @Test func randomTimesReadAsTheDateFormatterWroteThem() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20000 {
            var seconds = Double.random(in: -3_000_000_000...6_000_000_000, using: &generator)
            // Also the edges where the formatter rounds: the last millisecond of a second.
            if Bool.random(using: &generator) {
                seconds = seconds.rounded(.down) + [0.9989, 0.999, 0.9995, 0.0005].randomElement()!
            }
            let date = Date(timeIntervalSince1970: seconds)
            #expect(TextDate.iso8601(date) == Self.reference(date))
        }
    }
}
