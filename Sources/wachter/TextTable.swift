import Foundation

/// Tables and times for people, cheap enough for 100,000 rows.
///
/// A listing as text must cost no more than the same rows as JSON
/// (`scripts/bench/tables`). So each cell's width is measured once, in one pass
/// over its UTF-8 bytes when it is ASCII; the rows are written into one byte
/// buffer and printed with one call; and times are formatted by arithmetic
/// instead of a date formatter per cell.
enum TextTable {
    /// Renders rows as aligned columns: each column as wide as its widest cell
    /// (header included), columns two spaces apart, the last column not padded.
    ///
    /// - Parameters:
    ///   - header: The column titles.
    ///   - rows: The cells, one array per row, in the header's order.
    /// - Returns: The table, one line per row after the header's, each ending in a newline.
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        let columns = header.count
        var widths = header.map(width)
        // Every cell's width, row after row, measured once and used again to pad.
        var cellWidths: [Int] = []
        cellWidths.reserveCapacity(rows.count * columns)
        var bytes = header.reduce(0) { $0 + $1.utf8.count + 2 }
        for row in rows {
            for (index, cell) in row.enumerated() {
                let measured = width(cell)
                cellWidths.append(measured)
                bytes += cell.utf8.count + 2
                if index < columns, measured > widths[index] { widths[index] = measured }
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes + rows.count * widths.reduce(0, +))
        var next = 0
        func append(_ row: [String], measured: (Int) -> Int) {
            for (index, cell) in row.enumerated() {
                if index > 0 { out.append(contentsOf: separator) }
                out.append(contentsOf: cell.utf8)
                if index < row.count - 1, index < columns {
                    let padding = widths[index] - measured(index)
                    if padding > 0 { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding)) }
                }
            }
            out.append(UInt8(ascii: "\n"))
        }
        append(header) { width(header[$0]) }
        for row in rows {
            let start = next
            next += row.count
            append(row) { cellWidths[start + $0] }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Prints rows as aligned columns (``render(_:_:)``) on standard output, in one write.
    ///
    /// - Parameters:
    ///   - header: The column titles.
    ///   - rows: The cells, one array per row.
    static func print(_ header: [String], _ rows: [[String]]) {
        Swift.print(render(header, rows), terminator: "")
    }

    /// A cell's width in characters (grapheme clusters): its byte count when it is
    /// ASCII, which is nearly always, else `String.count`.
    static func width(_ cell: String) -> Int {
        let bytes = cell.utf8
        for byte in bytes where byte >= 0x80 { return cell.count }
        return bytes.count
    }

    private static let separator: [UInt8] = [UInt8(ascii: " "), UInt8(ascii: " ")]
}

/// Times as the command line prints them: ISO 8601 in UTC to the second, such as
/// `2026-12-01T00:40:00Z`: what `ISO8601DateFormatter` with `.withInternetDateTime`
/// prints, made by arithmetic (a formatter costs microseconds a call, and creating
/// one per cell cost most of a table's time).
enum TextDate {
    /// The time in ISO 8601, UTC, whole seconds.
    ///
    /// - Parameter date: The time.
    /// - Returns: Such as `2026-12-01T00:40:00Z`.
    static func iso8601(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        guard interval.isFinite, abs(interval) < 200_000_000_000 else { return fallback.string(from: date) }
        let whole = interval.rounded(.down)
        // The formatter rounds to about a millisecond before it drops the fraction, so
        // the last millisecond of a second is left to it.
        guard interval - whole < 0.999 else { return fallback.string(from: date) }
        let seconds = Int64(whole)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let second = seconds - days * 86_400
        let (year, month, day) = civil(days: days)
        // Before 1600 the formatter's calendar is the Julian one.
        guard (1600...9999).contains(year) else { return fallback.string(from: date) }
        var bytes = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int64, _ digits: Int, at offset: Int) {
            var value = value
            for position in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[position] = UInt8(truncatingIfNeeded: 0x30 + value % 10)
                value /= 10
            }
        }
        put(year, 4, at: 0)
        bytes[4] = UInt8(ascii: "-")
        put(month, 2, at: 5)
        bytes[7] = UInt8(ascii: "-")
        put(day, 2, at: 8)
        bytes[10] = UInt8(ascii: "T")
        put(second / 3600, 2, at: 11)
        bytes[13] = UInt8(ascii: ":")
        put(second / 60 % 60, 2, at: 14)
        bytes[16] = UInt8(ascii: ":")
        put(second % 60, 2, at: 17)
        bytes[19] = UInt8(ascii: "Z")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The proleptic Gregorian year, month and day of a day counted from 1970-01-01
    /// (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", civil_from_days).
    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// For the rare times the arithmetic leaves to the formatter: outside years 1600
    /// to 9999, and in the last millisecond of a second.
    private static var fallback: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }
}

extension Output {
    /// A time for a table or a `show` command, or `-` when there is none (``TextDate``).
    static func date(_ date: Date?) -> String {
        guard let date else { return "-" }
        return TextDate.iso8601(date)
    }

    /// Prints rows as aligned columns (``TextTable``).
    static func table(_ header: [String], _ rows: [[String]]) {
        TextTable.print(header, rows)
    }
}
