/// How hosts that share a store learn of each other's changes (docs/HOSTS.md): every
/// change to a password, a lock or an account is in the audit trail, in the same
/// transaction; a host reads the entries after the sequence it has followed through and
/// runs its own follow-up (re-export of its targets, cache flush) for them.
///
/// On PostgreSQL each commit is announced (``SharedStore/listenForChanges(_:)``), so
/// the agent follows within a round trip; after a lost connection or a restart it
/// catches up from its position, kept in its host record.
public struct ChangeFeed: ContextualService {
    let context: ServiceContext

    /// The audit actions that change what an export holds; each entry's target is the account.
    public static let accountActions: Set<String> = [
        "account.add", "account.remove", "account.import", "passwd", "reset", "password.change", "lock", "unlock",
        "lockout",
    ]
    /// The most entries read at a time.
    static let page = 1000

    /// Whether the store is shared, so that other hosts' changes can be announced.
    public var isShared: Bool { store is any SharedStore }

    /// The sequence of the newest audit entry (0 for an empty trail).
    ///
    /// - Returns: The position a host that has seen everything is at.
    /// - Throws: ``WachterError`` when the store fails.
    public func head() throws -> Int64 {
        try store.read { try $0.lastAuditEntry()?.sequence ?? 0 }
    }

    /// What changed after `position`, as one change (the accounts and their kinds), and
    /// the position it reaches; nil when nothing that an export holds changed.
    ///
    /// An erasure removes a customer's accounts without naming them, so it is a change of
    /// every kind with no accounts: a whole re-export.
    ///
    /// - Parameter position: The sequence followed through.
    /// - Returns: The change, if any, and the new position.
    /// - Throws: ``WachterError`` when the store fails.
    public func changes(after position: Int64) throws -> (change: CredentialChange?, position: Int64) {
        let actions = Self.accountActions.union([AuditChain.eraseAction])
        return try store.read { reader in
            var names = Set<String>()
            var everything = false
            var reached = position
            while true {
                let entries = try reader.auditEntries(after: reached, actions: actions, limit: Self.page)
                // This host's own changes were followed up where they were made.
                for entry in entries where entry.host != context.host {
                    if entry.action == AuditChain.eraseAction { everything = true } else { names.insert(entry.target) }
                }
                reached = entries.last?.sequence ?? reached
                if entries.count < Self.page { break }
            }
            // Entries of other actions (exports, sites) move the position too.
            reached = max(reached, try reader.lastAuditEntry()?.sequence ?? reached)
            guard everything || !names.isEmpty else { return (nil, reached) }
            var kinds = Set<AccountKind>()
            for name in names {
                // A removed account's kind is unknown: every file that may hold it is patched.
                guard let kind = try reader.account(named: name)?.kind else {
                    kinds = Set(AccountKind.allCases)
                    break
                }
                kinds.insert(kind)
            }
            if everything { kinds = Set(AccountKind.allCases) }
            let accounts = everything ? [] : names.sorted()
            return (CredentialChange(action: "follow", accounts: accounts, kinds: kinds), reached)
        }
    }

    /// Runs this host's follow-up for what changed after `position`.
    ///
    /// - Parameter position: The sequence followed through.
    /// - Returns: The new position, and what failed in the follow-up. The position moves on
    ///   either way: a re-export writes audit entries, which are announced, so retrying at
    ///   each announcement would never end; the caller logs the failures.
    /// - Throws: ``WachterError`` when the store fails.
    public func follow(after position: Int64) throws -> (position: Int64, failures: [WachterError]) {
        let (change, reached) = try changes(after: position)
        guard let change else { return (reached, []) }
        return (reached, notifyChange(change.action, change.accounts, kinds: change.kinds))
    }

    /// Listens for other hosts' commits (see ``SharedStore/listenForChanges(_:)``).
    ///
    /// - Parameter onSignal: Called when listening begins and after each commit.
    /// - Throws: ``WachterError/Code/storeUnavailable`` when the connection is lost; at once,
    ///   with ``WachterError/Code/invalidInput``, for a store that is not shared.
    public func listen(_ onSignal: @escaping @Sendable () async -> Void) async throws {
        guard let shared = store as? any SharedStore else {
            throw WachterError(.invalidInput, "only a PostgreSQL store announces changes")
        }
        try await shared.listenForChanges(onSignal)
    }
}
