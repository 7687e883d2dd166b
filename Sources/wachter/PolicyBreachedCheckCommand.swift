import ArgumentParser
import Foundation
import WachterCore

extension PolicyCommand {
    /// `wachter policy breached-check`.
    struct BreachedCheck: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "breached-check",
            abstract: "Report the accounts whose password was found in the breach list at a login, and when.",
            discussion: """
                With a breached_file in the policy, a successful login (through the agent, a \
                hook or verify) whose password is in that file marks the account must-change \
                and records it in the audit trail; this command reads that trail. Prints one \
                line per finding: the time, a tab, the account, a tab, and "must change", \
                "changed" or "removed". docs/POLICY.md says how to build the file offline.
                """)

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let policy = try global.loadPolicy()
            let findings = try global.services(policy: policy).logins.breachesFoundAtLogin()
            if global.json { return try Output.json(findings) }
            let configured = WachterPolicy.accountKinds.filter { !policy.settings(forKind: $0).strength.breachedFile.isEmpty }
            if configured.isEmpty {
                Output.note("No breached_file is configured, so logins are not looked up in a breach list.")
            }
            for finding in findings {
                let state = !finding.stored ? "removed" : finding.mustChange ? "must change" : "changed"
                print("\(Output.date(finding.time))\t\(finding.account)\t\(state)")
            }
            let accounts = Set(findings.filter(\.stored).map(\.account))
            let waiting = Set(findings.filter(\.mustChange).map(\.account))
            if let first = findings.first, let last = findings.last {
                Output.note(
                    "\(accounts.count) stored account(s) caught with a password from the breach list, "
                        + "from \(Output.date(first.time)) to \(Output.date(last.time)); \(waiting.count) still must change it.")
            } else {
                Output.note("No account has been caught with a password from the breach list.")
            }
        }
    }
}
