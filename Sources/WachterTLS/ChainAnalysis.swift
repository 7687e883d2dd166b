import Foundation
import WachterCore

/// Judges a certificate chain: trust, host name, dates, key sizes and signature
/// digests. The same rules apply to what a server sends and to a site's files.
struct ChainAnalysis {
    /// The trust store to verify against.
    let trust: TrustStore
    /// The warning period in days for `expires-soon`.
    let warnDays: Int

    /// Everything found in one chain.
    struct Outcome {
        var problems: [Problem]
        var summary: CertificateSummary
        /// The certificate that issued the leaf, where the given or the built chain holds it.
        var issuer: Certificate?
    }

    /// Analyses `chain` (leaf first) for `domain` at `now`.
    func analyze(chain: [Certificate], domain: String, now: Date, source: ProblemSource) -> Outcome? {
        guard let leaf = chain.first else { return nil }
        let verification = trust.verify(chain: chain, host: domain, now: now)
        // OpenSSL's built chain is at least as long as what was given when the
        // chain verifies; when it stops early, fall back to the given order.
        let examined = verification.chain.count >= chain.count ? verification.chain : chain
        let holder = source == .served ? "The server sends" : "The certificate file holds"
        var problems: [Problem] = []
        func add(_ code: ProblemCode, _ message: String) {
            let problem = Problem(code, message, source: source)
            if !problems.contains(problem) { problems.append(problem) }
        }
        func name(at depth: Int) -> String {
            depth == 0
                ? "The certificate"
                : "The \(examined[depth].isSelfSigned ? "root" : "intermediate") certificate '\(Self.commonName(examined[depth].subject))'"
        }

        for issue in verification.issues {
            let depth = min(issue.depth, examined.count - 1)
            let certificate = examined[depth]
            switch issue.kind {
            case .expired:
                let end = certificate.notAfter
                add(.expired, "\(name(at: depth)) expired on \(Self.day(end)) (\(Self.daysBetween(end, now)) days ago).")
            case .notYetValid:
                let start = certificate.notBefore
                add(
                    .notYetValid,
                    "\(name(at: depth)) is not valid until \(Self.day(start)) (in \(Self.daysBetween(now, start)) days).")
            case .hostnameMismatch:
                if let names = leaf.dnsNames, !names.isEmpty {
                    let shown = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", and \(names.count - 5) more" : "")
                    add(.hostnameMismatch, "The certificate is for \(shown), not for \(domain).")
                } else {
                    add(
                        .hostnameMismatch,
                        "The certificate has no subjectAltName, only the subject '\(leaf.subject)', so clients do not accept it for \(domain)."
                    )
                }
            case .selfSignedLeaf:
                add(.selfSigned, "The certificate is self-signed ('\(leaf.subject)'), and the trust store does not hold it.")
            case .selfSignedRootUntrusted:
                let root = examined[examined.count - 1]
                add(
                    .untrustedRoot,
                    "The chain ends in the root '\(Self.commonName(root.subject))', which the trust store does not hold.")
            case .issuerUnknown:
                if depth == 0 && examined.count == 1 {
                    add(
                        .incompleteChain,
                        "\(holder) the certificate without the intermediate certificate of its issuer '\(Self.commonName(leaf.issuer))', so clients cannot link it to a trusted root."
                    )
                } else {
                    add(
                        .untrustedRoot,
                        "The chain ends in '\(Self.commonName(certificate.issuer))', an issuer the trust store does not hold.")
                }
            case .other:
                add(.invalidChain, "\(name(at: depth)) does not verify: \(issue.text).")
            }
        }

        let daysLeft = leaf.notAfter.map { Self.daysBetween(now, $0) }
        if let end = leaf.notAfter, let daysLeft, end > now, daysLeft < warnDays {
            add(.expiresSoon, "The certificate expires on \(Self.day(end)) (\(daysLeft) \(daysLeft == 1 ? "day" : "days") left).")
        }

        for (depth, certificate) in examined.enumerated() {
            // A self-signed certificate above the leaf is a trust anchor: its own
            // key and signature are the store's business, not the site's.
            if depth > 0 && certificate.isSelfSigned { continue }
            let key = certificate.publicKey
            let minimum: Int? =
                switch key.algorithm {
                case .rsa, .dsa: 2048
                case .ec: 224
                case .edwards, .other: nil
                }
            if let minimum, key.bits < minimum {
                add(
                    .weakKey,
                    "\(name(at: depth)) has a \(key.bits)-bit \(key.algorithm.rawValue) key; at least \(minimum) bits are needed."
                )
            }
            let signature = certificate.signature
            if signature.isWeak && !(depth == 0 && certificate.isSelfSigned) {
                let digest = signature.digest.map { " (\($0.uppercased()))" } ?? ""
                add(.weakSignature, "\(name(at: depth)) is signed with \(signature.algorithm)\(digest), which browsers reject.")
            }
        }
        let issuer = (chain.dropFirst() + verification.chain.dropFirst()).first { leaf.isIssued(by: $0) }
        return Outcome(problems: problems, summary: Self.summary(of: leaf, now: now), issuer: issuer)
    }

    /// The summary of one certificate at the time `now`.
    static func summary(of certificate: Certificate, now: Date) -> CertificateSummary {
        let key = certificate.publicKey
        return CertificateSummary(
            subject: certificate.subject, issuer: certificate.issuer, names: certificate.dnsNames ?? [],
            notBefore: certificate.notBefore, notAfter: certificate.notAfter,
            daysLeft: certificate.notAfter.map { daysBetween(now, $0) },
            key: "\(key.algorithm.rawValue) \(key.bits)", signature: certificate.signature.algorithm,
            sha256: certificate.sha256Fingerprint)
    }

    /// Whole days from `start` to `end`, rounded down; 0 when either is unknown.
    static func daysBetween(_ start: Date?, _ end: Date?) -> Int {
        guard let start, let end else { return 0 }
        return Int((end.timeIntervalSince(start) / 86_400).rounded(.down))
    }

    /// A date as `YYYY-MM-DD` in UTC.
    static func day(_ date: Date?) -> String {
        guard let date else { return "an unknown date" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        func two(_ value: Int?) -> String { (value ?? 0) < 10 ? "0\(value ?? 0)" : "\(value ?? 0)" }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day))"
    }

    /// A time as `YYYY-MM-DDTHH:MM:SSZ` (ISO 8601, UTC).
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The CN of an RFC 2253 name, or the whole name when it has none.
    static func commonName(_ name: String) -> String {
        for part in name.split(separator: ",") where part.hasPrefix("CN=") {
            return String(part.dropFirst(3))
        }
        return name
    }
}
