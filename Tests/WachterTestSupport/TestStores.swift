internal import Foundation
public import WachterCore

/// A private 0700 directory for one test, removed by the caller.
///
/// - Returns: The directory's path.
/// - Throws: When it cannot be made.
public func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "wachter-test-" + UUID().uuidString
    try FileManager.default.createDirectory(
        atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    return path
}

/// The cheapest yescrypt cost: fast tests, and the cost does not change what is tested.
///
/// - Returns: A hasher at yescrypt cost 1.
/// - Throws: When libxcrypt refuses the setting.
public func cheapHasher() throws -> PasswordHasher {
    try PasswordHasher(policy: HashingPolicy(method: .yescrypt, cost: 1))
}

/// A store backend that the store contract suite runs against.
public enum StoreBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The embedded SQLite store.
    case sqlite

    /// The backends available on this machine: SQLite always.
    public static var available: [StoreBackend] { [.sqlite] }

    /// The backend's name, for test output.
    public var description: String { rawValue }

    /// Makes an empty, migrated store of this backend for one test.
    ///
    /// - Parameter directory: A private directory the store may use.
    /// - Returns: The store.
    /// - Throws: When the store cannot be made.
    public func makeStore(in directory: String) throws -> any CredentialStore {
        switch self {
        case .sqlite: try SQLiteStore(path: directory + "/store/wachter.sqlite", create: true)
        }
    }
}
