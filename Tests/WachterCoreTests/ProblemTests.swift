import Foundation
import Testing
import WachterCore

/// Verdicts, codes and their stable names.
@Suite struct ProblemTests {
    @Test func exitCodesFollowTheMonitoringPluginConvention() {
        #expect(Verdict.ok.exitCode == 0)
        #expect(Verdict.warning.exitCode == 1)
        #expect(Verdict.critical.exitCode == 2)
        #expect(Verdict.unknown.exitCode == 3)
    }

    @Test func criticalIsTheWorstVerdict() {
        #expect(Verdict.worst([.ok, .warning]) == .warning)
        #expect(Verdict.worst([.unknown, .warning]) == .unknown)
        #expect(Verdict.worst([.unknown, .critical, .ok]) == .critical)
        #expect(Verdict.worst([]) == .ok)
    }

    @Test func everyCodeRoundTripsThroughItsName() throws {
        #expect(ProblemCode.all.count == Set(ProblemCode.all.map(\.description)).count)
        for code in ProblemCode.all {
            #expect(ProblemCode(name: code.description) == code)
            let data = try JSONEncoder().encode(code)
            #expect(String(decoding: data, as: UTF8.self) == "\"\(code)\"")
            #expect(try JSONDecoder().decode(ProblemCode.self, from: data) == code)
        }
        #expect(ProblemCode(name: "no-such-code") == nil)
        // `unrecorded` names a stored problem of unknown kind; no check finds it.
        #expect(!ProblemCode.all.contains(.unrecorded) && ProblemCode(name: "unrecorded") == .unrecorded)
    }

    @Test func onlyExpiringSoonForgottenReloadAndSoftFailedRevocationAreWarnings() {
        let warnings = ProblemCode.all.filter { $0.verdict == .warning }
        #expect(Set(warnings) == [.expiresSoon, .diskDiffersFromServed, .revocationUnchecked, .revocationResponseInvalid])
    }

    @Test func revokedAndStartTLSFailuresAreCritical() {
        for code in [ProblemCode.revoked, .starttlsNotOffered, .starttlsRefused, .starttlsStalled] {
            #expect(code.verdict == .critical, "\(code)")
        }
    }

    @Test func resultVerdictIsTheWorstOfItsProblems() {
        let result = SiteCheckResult(
            domain: "example.test", endpoint: "example.test:443",
            problems: [
                Problem(.expiresSoon, "soon", source: .served), Problem(.keyMismatch, "mismatch", source: .disk),
            ],
            checkedAt: Date(), served: nil, disk: nil, protocolVersion: nil, milliseconds: 1)
        #expect(result.verdict == .critical)
        #expect(result.has(.keyMismatch))
        #expect(!result.has(.expired))
    }
}
