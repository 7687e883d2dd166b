import Foundation
import WachterCore

/// One site's check, run synchronously on a worker thread: connect, handshake,
/// judge the served chain, then the files on disk.
struct SiteProbe: Sendable {
    let analysis: ChainAnalysis
    let client: TLSClient
    let timeout: Duration
    /// Checks revocation of the served leaf; nil to leave revocation alone.
    let revocation: RevocationChecker?

    func run(_ request: SiteCheckRequest, now: Date) -> SiteCheckResult {
        let endpoint = request.endpoint
        let started = ContinuousClock.now
        let deadline = started + timeout
        var problems: [Problem] = []
        var served: CertificateSummary?
        var servedLeaf: Certificate?
        var protocolVersion: String?
        var revocationStatus: RevocationStatus?
        func add(_ code: ProblemCode, _ message: String) {
            problems.append(Problem(code, message, source: .served))
        }

        if request.connects {
            do {
                let socket = try Socket.connect(host: endpoint.host, port: endpoint.port, deadline: deadline)
                var ready = true
                if let starttls = request.starttls {
                    var dialogue = StartTLSDialogue(socket: socket, deadline: deadline)
                    switch dialogue.run(starttls) {
                    case .ready:
                        break
                    case .notOffered(let detail):
                        ready = false
                        add(
                            .starttlsNotOffered,
                            "\(endpoint) speaks \(starttls.rawValue.uppercased()) but does not offer TLS: \(detail).")
                    case .refused(let detail):
                        ready = false
                        add(.starttlsRefused, "\(endpoint) did not start TLS over \(starttls.rawValue.uppercased()): \(detail).")
                    case .stalled(let step):
                        ready = false
                        add(
                            .starttlsStalled,
                            "\(endpoint) stopped answering: no \(step) within \(Self.seconds(timeout)) (\(starttls.rawValue.uppercased()))."
                        )
                    }
                }
                if ready {
                    switch client.handshake(
                        on: socket, serverName: request.domain, deadline: deadline, requestStaple: revocation != nil)
                    {
                    case .completed(let chain, let version, _, let stapled):
                        protocolVersion = version
                        if let outcome = analysis.analyze(chain: chain, domain: request.domain, now: now, source: .served) {
                            problems += outcome.problems
                            served = outcome.summary
                            servedLeaf = chain.first
                            if let revocation, let leaf = chain.first {
                                let checked = revocation.check(
                                    leaf: leaf, issuer: outcome.issuer, stapled: stapled, now: now,
                                    deadline: .now + timeout, timeout: timeout)
                                problems += checked.problems
                                revocationStatus = checked.status
                            }
                        } else {
                            add(.noCertificate, "\(endpoint) completed the handshake without sending a certificate.")
                        }
                    case .timeout:
                        add(
                            .timeout,
                            "\(endpoint) accepted the connection but did not finish the TLS handshake within \(Self.seconds(timeout))."
                        )
                    case .notTLS(let detail):
                        add(.noTLS, "\(endpoint) answers, but not with TLS (\(detail)).")
                    case .failed(let detail):
                        add(.handshakeFailure, "The TLS handshake with \(endpoint) for \(request.domain) failed: \(detail).")
                    }
                }
            } catch {
                switch error {
                case .refused:
                    add(.connectionRefused, "Nothing listens on \(endpoint): the connection was refused.")
                case .timeout:
                    add(.timeout, "\(endpoint) did not accept a connection within \(Self.seconds(timeout)).")
                case .unresolved(let detail):
                    add(.unresolved, "The name \(endpoint.host) does not resolve (\(detail)).")
                case .failed(let detail):
                    add(.connectionFailed, "Cannot connect to \(endpoint): \(detail).")
                }
            }
        }
        let elapsed = started.duration(to: .now).components
        let milliseconds = Int(elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000)

        var disk: CertificateSummary?
        var diskLeaf: Certificate?
        if let path = request.certFile {
            let outcome = checkCertificateFile(path, domain: request.domain, servedLeaf: servedLeaf, now: now)
            problems += outcome.problems
            disk = outcome.summary
            diskLeaf = outcome.leaf
        }
        if let path = request.keyFile, let certificate = diskLeaf ?? (request.certFile == nil ? servedLeaf : nil) {
            problems += checkKeyFile(path, against: certificate)
        } else if let path = request.keyFile, !FileManager.default.fileExists(atPath: path) {
            problems.append(Problem(.keyFileMissing, "The key file \(path) does not exist.", source: .disk))
        }
        return SiteCheckResult(
            domain: request.domain, endpoint: request.connects ? endpoint.description : nil, problems: problems,
            checkedAt: now, served: served, disk: disk, protocolVersion: protocolVersion, milliseconds: milliseconds,
            starttls: request.connects ? request.starttls : nil, revocation: revocationStatus)
    }

    private func checkCertificateFile(
        _ path: String, domain: String, servedLeaf: Certificate?, now: Date
    ) -> (problems: [Problem], summary: CertificateSummary?, leaf: Certificate?) {
        guard FileManager.default.fileExists(atPath: path) else {
            return ([Problem(.certFileMissing, "The certificate file \(path) does not exist.", source: .disk)], nil, nil)
        }
        let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
        guard type != .typeDirectory else {
            return (
                [Problem(.certFileUnreadable, "The certificate file \(path) cannot be read: it is a directory.", source: .disk)],
                nil, nil
            )
        }
        let chain: [Certificate]
        do {
            chain = try Certificate.readPEMFile(path)
        } catch {
            switch error {
            case .unreadable(let detail):
                return (
                    [Problem(.certFileUnreadable, "The certificate file \(path) cannot be read (\(detail)).", source: .disk)],
                    nil, nil
                )
            case .noCertificate:
                return (
                    [Problem(.certFileInvalid, "The certificate file \(path) holds no PEM certificate.", source: .disk)], nil, nil
                )
            }
        }
        let leaf = chain[0]
        let summary = ChainAnalysis.summary(of: leaf, now: now)
        if let servedLeaf {
            let servedFingerprint = servedLeaf.sha256Fingerprint
            if servedFingerprint == summary.sha256 {
                // The server sends this very certificate: its checks are already reported.
                return ([], summary, leaf)
            }
            let servedEnd = ChainAnalysis.day(servedLeaf.notAfter)
            var problems = [
                Problem(
                    .diskDiffersFromServed,
                    "The certificate file \(path) (valid until \(ChainAnalysis.day(summary.notAfter))) is not the certificate the server sends (valid until \(servedEnd)): reload the web server.",
                    source: .disk)
            ]
            problems += analysis.analyze(chain: chain, domain: domain, now: now, source: .disk)?.problems ?? []
            return (problems, summary, leaf)
        }
        return (analysis.analyze(chain: chain, domain: domain, now: now, source: .disk)?.problems ?? [], summary, leaf)
    }

    private func checkKeyFile(_ path: String, against certificate: Certificate) -> [Problem] {
        guard FileManager.default.fileExists(atPath: path) else {
            return [Problem(.keyFileMissing, "The key file \(path) does not exist.", source: .disk)]
        }
        switch certificate.compare(privateKeyFile: path) {
        case .matches:
            return []
        case .mismatch:
            return [
                Problem(
                    .keyMismatch, "The key in \(path) does not belong to the certificate: the web server will refuse to start.",
                    source: .disk)
            ]
        case .unreadable(let detail):
            return [Problem(.keyFileUnreadable, "The key file \(path) cannot be read (\(detail)).", source: .disk)]
        case .notAKey:
            return [Problem(.keyFileUnreadable, "The key file \(path) holds no unencrypted PEM private key.", source: .disk)]
        }
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let tenths = attoseconds / 100_000_000_000_000_000
        return tenths == 0 ? "\(seconds) s" : "\(seconds).\(tenths) s"
    }
}
