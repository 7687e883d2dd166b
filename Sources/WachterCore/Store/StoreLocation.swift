internal import Foundation
public import Logging

/// Where the store is: a SQLite file (one host), or a PostgreSQL database (several
/// hosts), as named by `--store` or `$WACHTER_STORE`.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// A SQLite file.
    case sqlite(path: String)
    /// A PostgreSQL database.
    case postgres(PostgresLocation)

    /// Reads a store name: a `postgresql://` (or `postgres://`) URL is PostgreSQL, anything else a SQLite path.
    ///
    /// - Parameter name: The name.
    /// - Throws: ``WachterError/Code/invalidInput`` for a malformed URL or an empty name.
    public init(_ name: String) throws(WachterError) {
        if PostgresLocation.isURL(name) {
            self = .postgres(try PostgresLocation(name))
        } else {
            guard !name.isEmpty, !name.contains("\0") else {
                throw WachterError(.invalidInput, "the store name is empty or holds a NUL")
            }
            self = .sqlite(path: name)
        }
    }

    /// The store for messages: the path, or the URL without anything secret.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let location): location.description
        }
    }

    /// Whether the store exists already: a SQLite file is there; a PostgreSQL store is assumed to be.
    public var mayExist: Bool {
        switch self {
        case .sqlite(let path): FileManager.default.fileExists(atPath: path)
        case .postgres: true
        }
    }

    /// Opens the store, bringing its schema up to date.
    ///
    /// - Parameters:
    ///   - create: Whether to create a missing store.
    ///   - logger: The logger.
    /// - Returns: The store.
    /// - Throws: ``WachterError`` when it cannot be opened.
    public func open(create: Bool = false, logger: Logger = Logger(label: "wachter"), host: String? = nil) throws
        -> any CredentialStore
    {
        switch self {
        case .sqlite(let path): try SQLiteStore(path: path, create: create, host: host)
        case .postgres(let location): try PostgresStore(location: location, create: create, logger: logger, host: host)
        }
    }
}
