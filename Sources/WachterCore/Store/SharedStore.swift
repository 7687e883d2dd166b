/// A store that several hosts share (PostgreSQL), which can tell each of them when any
/// host committed a change (docs/HOSTS.md).
public protocol SharedStore: CredentialStore {
    /// Listens for committed audit entries on a connection of its own: calls `onSignal`
    /// once when listening has begun (so that the caller catches up on what it missed
    /// before), then after each commit that appended an entry (several may come as one).
    ///
    /// - Parameter onSignal: Called with no data; the caller reads what changed from the store.
    /// - Throws: ``WachterError/Code/storeUnavailable`` when the server cannot be reached or the
    ///   connection is lost; the caller reconnects and catches up.
    func listenForChanges(_ onSignal: @escaping @Sendable () async -> Void) async throws
}
