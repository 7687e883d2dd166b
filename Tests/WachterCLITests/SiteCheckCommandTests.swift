import ArgumentParser
import Foundation
import Testing
import WachterCore
import WachterTLS

@testable import wachter

/// `wachter site check`, in process: parsing, validation and output.
@Suite struct SiteCheckCommandTests {
    @Test func defaultsAreTheDocumentedOnes() throws {
        let command = try SiteCheckCommand.parse(["example.com"])
        #expect(command.domains == ["example.com"])
        #expect(command.warnDays == nil)
        #expect(command.timeout == 10)
        #expect(command.concurrency == SiteChecker.defaultConcurrency)
        #expect(!command.global.json)
    }

    @Test func noDomainMeansEveryRegisteredSiteAndUnicodeIsAccepted() throws {
        #expect(try SiteCheckCommand.parse([]).domains.isEmpty)
        #expect(try SiteCheckCommand.parse(["münchen.de"]).domains == ["münchen.de"])
    }

    @Test func optionsParse() throws {
        let command = try SiteCheckCommand.parse([
            "a.example", "b.example", "--connect", "192.0.2.1:8443", "--ca-file", "/tmp/ca.pem", "--warn-days", "30",
            "--timeout", "2.5", "--concurrency", "8", "--json",
        ])
        #expect(command.domains == ["a.example", "b.example"])
        #expect(command.connect == "192.0.2.1:8443")
        #expect(command.caFile == "/tmp/ca.pem")
        #expect(command.warnDays == 30)
        #expect(command.timeout == 2.5)
        #expect(command.concurrency == 8)
        #expect(command.global.json)
    }

    @Test(arguments: [
        (["bad_name.example"], "letters, digits and hyphens"),
        (["a..example"], "empty label"),
        (["a.example\n"], "newline"),
        (["a.example", "--connect", "a.example:https"], "HOST:PORT"),
        (["a.example", "--warn-days", "-1"], "--warn-days"),
        (["a.example", "--timeout", "0"], "--timeout"),
        (["a.example", "--concurrency", "0"], "--concurrency"),
        (["a.example", "b.example", "--cert-file", "/tmp/c.pem"], "exactly one domain"),
        (["a.example", "--starttls", "imaps"], "imap, pop3, smtp or ftp"),
        (["a.example", "--no-connect", "--connect", "192.0.2.1:443", "--cert-file", "/tmp/c.pem"], "--no-connect"),
        (["--no-connect"], "--cert-file"),
    ])
    func mistakesAreValidationErrorsThatSayHowToFixThem(arguments: [String], fix: String) {
        do {
            _ = try SiteCheckCommand.parse(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(SiteCheckCommand.exitCode(for: error) == .validationFailure)
            #expect(SiteCheckCommand.message(for: error).contains(fix), "\(SiteCheckCommand.message(for: error))")
        }
    }

    @Test func mailAndFilesOptionsParse() throws {
        let mail = try SiteCheckCommand.parse(["mail.example", "--starttls", "smtp", "--connect", "192.0.2.1:25"])
        #expect(mail.starttls == "smtp")
        #expect(!mail.noConnect && !mail.noRevocation)
        let files = try SiteCheckCommand.parse([
            "new.example", "--no-connect", "--cert-file", "/tmp/c.pem", "--key-file", "/tmp/c.key", "--no-revocation",
            "--revocation-cache", "/tmp/cache",
        ])
        #expect(files.noConnect && files.noRevocation)
        #expect(files.revocationCache == "/tmp/cache")
    }

    @Test func textNamesMailEndpointsFilesAndRevokedCertificates() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let text = SiteCheckCommand.text([
            SiteCheckResult(
                domain: "mail.example", endpoint: "192.0.2.1:143", problems: [], checkedAt: now, served: nil, disk: nil,
                protocolVersion: "TLSv1.3", milliseconds: 3, starttls: .imap),
            SiteCheckResult(
                domain: "new.example", endpoint: nil, problems: [], checkedAt: now, served: nil, disk: nil,
                protocolVersion: nil, milliseconds: 0),
            SiteCheckResult(
                domain: "gone.example", endpoint: "gone.example:443",
                problems: [Problem(.revoked, "The certificate was revoked.", source: .served)], checkedAt: now, served: nil,
                disk: nil, protocolVersion: "TLSv1.3", milliseconds: 3,
                revocation: RevocationStatus(state: .revoked, source: .ocsp, reason: "keyCompromise")),
        ])
        #expect(text.contains("via 192.0.2.1:143 (STARTTLS imap)"))
        #expect(text.contains("(files only)"))
        #expect(text.contains("REVOKED"))
    }

    @Test func textShowsVerdictProblemsAndSummary() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let results = [
            SiteCheckResult(
                domain: "ok.example", endpoint: "ok.example:443", problems: [], checkedAt: now, served: nil, disk: nil,
                protocolVersion: "TLSv1.3", milliseconds: 3),
            SiteCheckResult(
                domain: "bad.example", endpoint: "127.0.0.1:8443",
                problems: [Problem(.expired, "The certificate expired on 2027-01-01 (3 days ago).", source: .served)],
                checkedAt: now, served: nil, disk: nil, protocolVersion: nil, milliseconds: 3),
        ]
        let text = SiteCheckCommand.text(results)
        #expect(text.contains("OK       ok.example"))
        #expect(text.contains("CRITICAL bad.example"))
        #expect(text.contains("via 127.0.0.1:8443"))
        #expect(text.contains("- expired: The certificate expired on 2027-01-01 (3 days ago)."))
        #expect(text.hasSuffix("2 sites: 1 ok, 0 warning, 1 critical, 0 unknown\n"))
    }

    @Test func jsonCarriesTheWorstVerdictAndItsExitCode() throws {
        let result = SiteCheckResult(
            domain: "soon.example", endpoint: "soon.example:443",
            problems: [Problem(.expiresSoon, "soon", source: .served)], checkedAt: Date(timeIntervalSince1970: 0),
            served: nil, disk: nil, protocolVersion: nil, milliseconds: 1)
        let text = try SiteCheckCommand.json([result], worst: .warning)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["verdict"] as? String == "warning")
        #expect(object["exitCode"] as? Int == 1)
        let sites = try #require(object["sites"] as? [[String: Any]])
        #expect(sites.first?["checkedAt"] as? String == "1970-01-01T00:00:00Z")
        let problems = try #require(sites.first?["problems"] as? [[String: Any]])
        #expect(problems.first?["code"] as? String == "expires-soon")
    }
}
