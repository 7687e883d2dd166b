import Foundation
import Synchronization
import WachterCore

/// Prints what the automatic re-export after a change did, and remembers a
/// failure so that `wachter` exits 75 although the change itself was saved.
enum ReExportReporting {
    fileprivate static let failure = Mutex(false)

    /// Whether a re-export or reload failed during this process.
    static var failed: Bool { failure.withLock { $0 } }

    /// The observer every command's service gets.
    static func observer(configurationPath: String) -> ReExporter {
        ReExporter(configurationPath: configurationPath) { change, outcomes, configurationError in
            if let configurationError {
                failure.withLock { $0 = true }
                Output.note(
                    "Error: the \(change.action) was saved, but the export files were not rewritten: \(configurationError)")
                return
            }
            for outcome in outcomes {
                if let error = outcome.error {
                    failure.withLock { $0 = true }
                    Output.note(
                        "Error: the \(change.action) was saved, but \(outcome.target.path) was not rewritten and still holds the old state: \(error)"
                    )
                    continue
                }
                guard let result = outcome.result else { continue }
                Output.note("Re-exported \(result.path) (\(result.accounts) accounts).")
                if let reload = result.reload, !reload.succeeded {
                    failure.withLock { $0 = true }
                    Output.note("Error: \(result.path) was rewritten, but its reload command failed: \(reload.summary)")
                }
            }
        }
    }
}

extension ReExportReporting {
    /// The follow-up every command's services get: the re-export, then the cache
    /// flush; a failure is printed and makes `wachter` exit 75.
    /// With `printing` off, nothing is printed or remembered: the caller reads the
    /// failures that the change returns (the hooks, which print one line).
    static func followUp(configurationPath: String, printing: Bool, cacheFlush: CacheFlushCommand?) -> ChangeFollowUp {
        guard printing else {
            return ChangeFollowUp(
                reExporter: ReExporter(configurationPath: configurationPath) { _, _, _ in }, cacheFlush: cacheFlush)
        }
        return ChangeFollowUp(reExporter: observer(configurationPath: configurationPath), cacheFlush: cacheFlush) { error in
            failure.withLock { $0 = true }
            Output.note("Error: the change was saved, but \(error)")
        }
    }
}

extension GlobalOptions {
    /// The export configuration in effect: `explicit` (a command's `--config`),
    /// else `$WACHTER_EXPORTS`, else /etc/wachter/exports.toml.
    func exportsConfigurationPath(_ explicit: String?) -> String {
        explicit ?? ProcessInfo.processInfo.environment["WACHTER_EXPORTS"] ?? ExportConfiguration.defaultPath
    }
}
