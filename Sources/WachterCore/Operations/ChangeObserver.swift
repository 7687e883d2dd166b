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
/// reports its own failures (``ReExporter`` hands them to its report closure).
public protocol ChangeObserver: Sendable {
    /// Called after `change` was committed by `service`.
    ///
    /// - Parameters:
    ///   - change: What changed.
    ///   - service: The service that made the change, to read the store through.
    func credentialsChanged(_ change: CredentialChange, by service: CredentialService)
}
