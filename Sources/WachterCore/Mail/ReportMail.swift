internal import Foundation

extension MailMessage {
    /// The report as a mail: the text form and the HTML form as alternatives.
    ///
    /// The subject counts the actions: `Wachter weekly report: 3 actions needed`
    /// (`weekly` for a 7-day period, else the period's days).
    ///
    /// - Parameters:
    ///   - report: The report.
    ///   - from: The sender.
    ///   - to: The recipients.
    /// - Returns: The message.
    /// - Throws: ``WachterError`` when the HTML cannot be rendered.
    public static func report(_ report: Report, from: MailAddress, to: [MailAddress]) throws -> MailMessage {
        MailMessage(
            from: from, to: to, subject: subject(report), date: report.generatedAt,
            text: try ReportRenderer.render(report, as: .text), html: try ReportRenderer.render(report, as: .html))
    }

    /// The subject line for a report.
    ///
    /// - Parameter report: The report.
    /// - Returns: Such as `Wachter weekly report: 3 actions needed`.
    public static func subject(_ report: Report) -> String {
        let name = report.period.days == 7 ? "weekly report" : "report (\(report.period.days) days)"
        return "Wachter \(name): \(report.empty ? "nothing to report" : ReportView.actionsHeadline(report.actionsNeeded))"
    }
}
