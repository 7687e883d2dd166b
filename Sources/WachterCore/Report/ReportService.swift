public import Foundation

/// The weekly report: built from the store under the policy, rendered, and mailed.
public struct ReportService: ContextualService {
    let context: ServiceContext

    /// Builds the report for the period that ends now.
    ///
    /// - Parameters:
    ///   - length: The period's length in seconds, such as 7 days.
    ///   - policy: The policy values the report judges by.
    ///   - itemLimit: The most findings listed per section; the rest are counted.
    /// - Returns: The report.
    /// - Throws: ``WachterError/Code/storeFailure`` when the store fails.
    public func build(length: TimeInterval, policy: ReportPolicy, itemLimit: Int = 100) throws -> Report {
        let builder = ReportBuilder(
            store: store, hasher: rules(for: .mailbox).hasher, hashers: context.rules.mapValues(\.hasher), policy: policy,
            itemLimit: itemLimit)
        return try context.opening(try builder.build(length: length, at: clock.now()))
    }

    /// Mails a report (text and HTML) through the system's sendmail program.
    ///
    /// - Parameters:
    ///   - report: The report.
    ///   - from: The sender.
    ///   - to: The recipients.
    ///   - sendmail: The sendmail program's path.
    /// - Returns: The mail's subject line.
    /// - Throws: ``WachterError/Code/deliveryFailure`` when sendmail cannot be run or refuses the message.
    @discardableResult
    public func mail(_ report: Report, from: MailAddress, to: [MailAddress], sendmail: String) throws -> String {
        let message = try MailMessage.report(report, from: from, to: to)
        try Sendmail(path: sendmail).send(message.rendered())
        return MailMessage.subject(report)
    }
}
