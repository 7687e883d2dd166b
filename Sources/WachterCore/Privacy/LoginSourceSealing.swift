internal import Foundation

/// A login record's source address sealed for the store and opened from it.
///
/// The address is bound to the record's account (not its time: the report shows one
/// stored address per group of equal digests, read from a row of the account that tried
/// most), and its keyed digest goes beside it for lookups by equality.
extension ServiceContext {
    /// Where a login record's source is bound.
    static func sourceBinding(account: String) -> FieldBinding {
        FieldBinding("login_event", account, "source")
    }

    /// The event as the store keeps it: the source sealed, its digest set.
    ///
    /// - Parameters:
    ///   - event: The event with its plain source.
    ///   - digest: The source's digest when the caller computed it already (one HMAC per event).
    func storable(_ event: LoginEvent, digest: String? = nil) throws(WachterError) -> LoginEvent {
        guard let source = event.source else { return event }
        var stored = event
        if let digest { stored.sourceDigest = digest } else { stored.sourceDigest = try fieldProtection.digest(source) }
        stored.source = try fieldProtection.seal(source, Self.sourceBinding(account: event.account))
        return stored
    }

    /// The event as read from the store, its source opened (nil once retention dropped it).
    func opening(_ stored: LoginEvent) throws(WachterError) -> LoginEvent {
        var event = stored
        event.source = try fieldProtection.open(stored.source, Self.sourceBinding(account: stored.account))
        return event
    }
}
