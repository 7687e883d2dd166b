/// Refuses a password that another current account of the same customer has,
/// so that a customer's mailbox, FTP, SSH and panel passwords differ
/// (`[defaults.reuse] across_accounts`).
extension AccountService {
    /// Verifies the new password against the current hashes of the customer's other
    /// accounts, at most `across_accounts_limit` of them: each verification costs
    /// one hash, so the accounts of other kinds come first, then those whose
    /// password was set most recently.
    ///
    /// - Parameters:
    ///   - secret: The new password.
    ///   - account: The account being set, left out.
    ///   - kind: Its kind, whose reuse rules apply.
    ///   - customerID: The owner.
    /// - Throws: ``WachterError/Code/policyRefused`` naming the other account's kind,
    ///   never its name or password.
    func refuseReuseAcrossAccounts(
        _ secret: Secret, account: String, kind: AccountKind, customerID: String
    ) throws {
        let reuse = rules(for: kind)
        guard reuse.acrossAccounts, reuse.acrossAccountsLimit > 0 else { return }
        let others = try store.read { try $0.accounts(kind: nil, customerID: customerID) }
            .filter { $0.name != account }
            .sorted { a, b in
                if (a.kind == kind) != (b.kind == kind) { return a.kind != kind }
                return a.passwordSetAt > b.passwordSetAt
            }
        for other in others.prefix(reuse.acrossAccountsLimit) {
            if case .match = rules(for: other.kind).hasher.verify(secret, against: other.hash) {
                throw WachterError(
                    .policyRefused,
                    "the password was refused: this customer's \(other.kind.rawValue) account has the same password; "
                        + "each account needs its own")
            }
        }
    }
}
