import Foundation
import WachterCore
import WachterTestSupport

/// Two hosts, mx1 and mx2, on one store of a backend; each with its own services.
struct HostsFixture {
    let directory: String
    let store: any CredentialStore
    let mx1: WachterServices
    let mx2: WachterServices

    init(_ backend: StoreBackend, clock: any WachterClock = SystemClock()) throws {
        directory = try makeTemporaryDirectory()
        store = try backend.makeStore(in: directory)
        var services = WachterServices(
            context: ServiceContext(store: store, hasher: try cheapHasher(), clock: clock, actor: "test"))
        try services.runOnHost("mx1")
        mx1 = services
        try services.runOnHost("mx2")
        mx2 = services
        _ = try mx1.customers.add(id: "acme", name: "Acme")
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Records every change it is told of.
final class ChangeRecorder: ChangeObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [CredentialChange] = []

    var changes: [CredentialChange] { lock.withLock { seen } }

    func credentialsChanged(_ change: CredentialChange, in context: ServiceContext) -> [WachterError] {
        lock.withLock { seen.append(change) }
        return []
    }
}
