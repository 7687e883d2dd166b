import Foundation

/// How a ``SiteCheckResult``'s problems are kept in a `site_check` row, the same on
/// both backends: the sentences one per line (a sentence holds no newline), the codes
/// and the sources (`served`, `disk`) comma-separated, in the same order.
///
/// A row stored before the codes (migration `v6-site-endpoints`) or the sources
/// (`v11-site-check-sources`) were kept reads back with code ``ProblemCode/unrecorded``
/// and the check's verdict, or with source `served`.
struct StoredSiteCheck {
    /// The problems' sentences, one per line.
    var problems: String
    /// The problems' codes, comma-separated.
    var codes: String
    /// Where each problem was found, comma-separated.
    var sources: String
    /// The verdict's name.
    var verdict: String
    /// The STARTTLS protocol's name, if any.
    var starttls: String?

    /// The columns of a check to store.
    ///
    /// - Parameter check: The check.
    init(_ check: SiteCheckResult) {
        problems = check.problems.map { $0.message.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")
        codes = check.problems.map(\.code.description).joined(separator: ",")
        sources = check.problems.map(\.source.rawValue).joined(separator: ",")
        verdict = check.verdict.rawValue
        starttls = check.starttls?.rawValue
    }

    /// Columns read from a row.
    init(problems: String?, codes: String?, sources: String?, verdict: String, starttls: String?) {
        self.problems = problems ?? ""
        self.codes = codes ?? ""
        self.sources = sources ?? ""
        self.verdict = verdict
        self.starttls = starttls
    }

    /// The check these columns, and the row's others, hold.
    ///
    /// - Parameters:
    ///   - domain: The row's domain.
    ///   - endpoint: The row's endpoint.
    ///   - checkedAt: The row's time.
    ///   - notAfter: The row's end of validity.
    /// - Returns: The check as the store keeps it.
    func check(domain: String, endpoint: String?, checkedAt: Date, notAfter: Date?) -> SiteCheckResult {
        let verdict = Verdict(rawValue: verdict) ?? .unknown
        let codes = codes.split(separator: ",").map { ProblemCode(name: String($0)) }
        let sources = sources.split(separator: ",").map { ProblemSource(rawValue: String($0)) }
        let problems = problems.split(separator: "\n").enumerated().map { index, sentence in
            let code = index < codes.count ? codes[index] : nil
            return Problem(
                code ?? .unrecorded, String(sentence), source: (index < sources.count ? sources[index] : nil) ?? .served,
                verdict: code?.verdict ?? verdict)
        }
        return SiteCheckResult(
            stored: domain, endpoint: endpoint, starttls: starttls.flatMap(StartTLSProtocol.init(rawValue:)),
            verdict: verdict, problems: problems, checkedAt: checkedAt, notAfter: notAfter)
    }
}
