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
    /// A PostgreSQL server that the test scripts started (`$WACHTER_TEST_POSTGRES`).
    case postgres

    /// The backends available: SQLite always; PostgreSQL when `$WACHTER_TEST_POSTGRES` names a
    /// server (scripts/test starts one). With `$WACHTER_TEST_REQUIRE_POSTGRES` set, as in CI,
    /// a missing server is a failure, not a smaller list.
    public static var available: [StoreBackend] {
        if TestPostgres.baseURL != nil { return [.sqlite, .postgres] }
        precondition(
            ProcessInfo.processInfo.environment["WACHTER_TEST_REQUIRE_POSTGRES"] == nil,
            "WACHTER_TEST_REQUIRE_POSTGRES is set but WACHTER_TEST_POSTGRES names no server")
        return [.sqlite]
    }

    /// The backend's name, for test output.
    public var description: String { rawValue }

    /// Where this backend's store for one test is: a file in the test's directory, or a
    /// database of its own on the test server (made on first use).
    ///
    /// - Parameter directory: The test's private directory.
    /// - Returns: The location.
    /// - Throws: When the database cannot be made.
    public func location(in directory: String) throws -> StoreLocation {
        switch self {
        case .sqlite: .sqlite(path: directory + "/store/wachter.sqlite")
        case .postgres: .postgres(try TestPostgres.database(for: directory))
        }
    }

    /// Makes an empty, migrated store of this backend for one test.
    ///
    /// - Parameter directory: A private directory the store may use.
    /// - Returns: The store.
    /// - Throws: When the store cannot be made.
    public func makeStore(in directory: String) throws -> any CredentialStore {
        try location(in: directory).open(create: true)
    }
}

/// The PostgreSQL server of the test run: a database per test, made with `createdb`.
public enum TestPostgres {
    /// The server's URL, from `$WACHTER_TEST_POSTGRES`.
    public static var baseURL: String? {
        ProcessInfo.processInfo.environment["WACHTER_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A database of its own for the test with this directory, made once (its name is kept in the directory).
    ///
    /// - Parameter directory: The test's private directory.
    /// - Returns: The database's location.
    /// - Throws: When there is no server or `createdb` fails.
    public static func database(for directory: String) throws -> PostgresLocation {
        guard let baseURL else { throw WachterError(.storeUnavailable, "WACHTER_TEST_POSTGRES is not set") }
        var location = try PostgresLocation(baseURL)
        let marker = directory + "/postgres-database"
        if let name = try? String(contentsOfFile: marker, encoding: .utf8) {
            location.database = name
            return location
        }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try createDatabase(name, on: location)
        try name.write(toFile: marker, atomically: true, encoding: .utf8)
        location.database = name
        return location
    }

    /// Runs `createdb` for a database owned by the URL's role.
    public static func createDatabase(_ name: String, on location: PostgresLocation) throws {
        let server = location.servers[0]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/createdb")
        process.arguments = ["-h", server.host, "-p", String(server.port), "-U", location.user, name]
        var environment = ProcessInfo.processInfo.environment
        if let passFile = location.passFile { environment["PGPASSFILE"] = passFile }
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw WachterError(.storeFailure, "createdb \(name) failed with status \(process.terminationStatus)")
        }
    }
}
