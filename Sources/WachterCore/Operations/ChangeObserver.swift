/// What changed in the store: which accounts, of which kinds, by which action.
public struct CredentialChange: Sendable, Equatable {
    /// The action, as in the audit trail: `account.add`, `passwd`, `lock`, `import` ...
    public var action: String
    /// The accounts whose export lines changed.
    public var accounts: [String]
    /// Their kinds, so that only the exports holding those kinds are rewritten.
    public var kinds: Set<AccountKind>

    /// Creates a change.
    ///
    /// - Parameters:
    ///   - action: The action.
    ///   - accounts: The accounts.
    ///   - kinds: Their kinds.
    public init(action: String, accounts: [String], kinds: Set<AccountKind>) {
        self.action = action
        self.accounts = accounts
        self.kinds = kinds
    }
}

/// Is told of every change to a password, a lock or an account, after the change
/// has been committed, whichever path made it (command line, hook or agent).
///
/// The change is saved whatever the observer does, so it does not throw: it
/// returns its failures, and may also hand them to a report closure of its own
/// (``ReExporter`` does, for the command line's messages).
public protocol ChangeObserver: Sendable {
    /// Called after `change` was committed through `context`.
    ///
    /// - Parameters:
    ///   - change: What changed.
    ///   - context: The context the change was made in, to read the store through.
    /// - Returns: What failed after the change; empty when everything worked.
    func credentialsChanged(_ change: CredentialChange, in context: ServiceContext) -> [WachterError]
}
