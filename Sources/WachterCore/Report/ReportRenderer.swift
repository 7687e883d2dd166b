internal import Foundation

/// The formats a report is written in.
public enum ReportFormat: String, Sendable, CaseIterable, Codable {
    /// Plain text for the terminal (and the text part of the mail).
    case text
    /// Markdown, for a ticket or a wiki.
    case markdown
    /// HTML for mail: inline CSS and inline SVG charts.
    case html
    /// JSON as docs/report.schema.json describes it.
    case json
}

/// Writes a report in each format.
public enum ReportRenderer {
    /// Renders a report.
    ///
    /// - Parameters:
    ///   - report: The report.
    ///   - format: The format.
    /// - Returns: The document, ending with a newline.
    /// - Throws: ``WachterError/Code/invalidInput`` when the HTML template cannot be
    ///   parsed or JSON cannot be encoded (both are bugs).
    public static func render(_ report: Report, as format: ReportFormat) throws -> String {
        switch format {
        case .text: text(ReportView(report))
        case .markdown: markdown(ReportView(report))
        case .html: try HTMLReport.render(report)
        case .json: try json(report)
        }
    }

    /// The report as JSON: sorted keys, ISO 8601 times in UTC.
    ///
    /// - Parameter report: The report.
    /// - Returns: The JSON text with a final newline.
    /// - Throws: ``WachterError/Code/invalidInput`` when encoding fails.
    public static func json(_ report: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
        } catch {
            throw WachterError(.invalidInput, "cannot encode the report as JSON", cause: "\(error)")
        }
    }

    /// The report as text for a terminal: aligned columns, no control characters from the store.
    ///
    /// - Parameter view: The laid-out report.
    /// - Returns: The text.
    public static func text(_ view: ReportView) -> String {
        if view.empty { return view.headline + "\n" }
        var lines = ["\(view.title): \(view.headline)"] + view.summary.map(terminalSafe)
        for section in view.sections {
            lines.append("")
            lines.append(section.title.uppercased())
            if let note = section.note { lines.append("  " + terminalSafe(note)) }
            let allRows = section.groups.flatMap(\.rows).map { $0.map(terminalSafe) }
            var widths = section.columns.map(\.count)
            for row in allRows {
                for (index, cell) in row.enumerated() where index < widths.count {
                    widths[index] = max(widths[index], cell.count)
                }
            }
            if !allRows.isEmpty {
                lines.append("    " + columns(section.columns, widths))
            }
            for group in section.groups {
                if let heading = group.heading { lines.append("  " + terminalSafe(heading)) }
                for row in group.rows { lines.append("    " + columns(row.map(terminalSafe), widths)) }
            }
            if let more = section.more { lines.append("    " + more) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as Markdown: a heading per section, a table per customer.
    ///
    /// - Parameter view: The laid-out report.
    /// - Returns: The Markdown text.
    public static func markdown(_ view: ReportView) -> String {
        if view.empty { return markdownSafe(view.headline) + "\n" }
        var lines = ["# \(view.title): \(view.headline)", ""] + view.summary.map { "- " + markdownSafe($0) }
        for section in view.sections {
            lines += ["", "## \(markdownSafe(section.title))"]
            if let note = section.note { lines += ["", markdownSafe(note)] }
            for group in section.groups {
                if let heading = group.heading { lines += ["", "### \(markdownSafe(heading))"] }
                lines += ["", "| " + section.columns.joined(separator: " | ") + " |"]
                lines.append("|" + section.columns.map { _ in " --- |" }.joined())
                for row in group.rows { lines.append("| " + row.map(markdownSafe).joined(separator: " | ") + " |") }
            }
            if let more = section.more { lines += ["", markdownSafe(more)] }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func columns(_ cells: [String], _ widths: [Int]) -> String {
        cells.enumerated().map { index, cell in
            index == cells.count - 1 || index >= widths.count
                ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }

    /// Replaces control characters (escape sequences could drive the terminal) with `?`.
    static func terminalSafe(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                        ? "?" : scalar
                }))
    }

    /// Escapes what Markdown would read as syntax or HTML, and control characters.
    static func markdownSafe(_ text: String) -> String {
        var result = ""
        for character in terminalSafe(text) {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "|", "#", "!", "~": result += "\\" + String(character)
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            default: result.append(character)
            }
        }
        return result
    }
}
