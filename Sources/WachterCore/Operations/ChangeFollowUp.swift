internal import Foundation

/// What runs after every committed change, in one place for every path (command
/// line, hooks, agent): the re-export of the files that hold the changed accounts'
/// kinds, then one cache flush per changed account.
///
/// Servers cache logins (Dovecot for an hour), so both are needed for an old
/// password to stop working at once. Each runs once per change.
public struct ChangeFollowUp: ChangeObserver {
    /// Rewrites the export files, when an export configuration is in use.
    public let reExporter: ReExporter?
    /// Flushes the servers' login caches, when a command is configured.
    public let cacheFlush: CacheFlushCommand?
    private let reportFlushFailure: @Sendable (WachterError) -> Void

    /// Creates the follow-up.
    ///
    /// - Parameters:
    ///   - reExporter: The re-exporter, or nil.
    ///   - cacheFlush: The cache flush command (`$WACHTER_CACHE_FLUSH`, `--cache-flush`), or nil.
    ///   - reportFlushFailure: Called with each failed flush, beside the returned failures.
    public init(
        reExporter: ReExporter?, cacheFlush: CacheFlushCommand?,
        reportFlushFailure: @escaping @Sendable (WachterError) -> Void = { _ in }
    ) {
        self.reExporter = reExporter
        self.cacheFlush = cacheFlush
        self.reportFlushFailure = reportFlushFailure
    }

    /// Re-exports, then flushes each changed account's cached login once.
    public func credentialsChanged(_ change: CredentialChange, in context: ServiceContext) -> [WachterError] {
        var failures = reExporter?.credentialsChanged(change, in: context) ?? []
        guard let cacheFlush else { return failures }
        for account in Set(change.accounts).sorted() {
            do {
                try cacheFlush.run(user: account)
            } catch {
                reportFlushFailure(error)
                failures.append(error)
            }
        }
        return failures
    }
}
