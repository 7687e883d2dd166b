internal import Foundation
internal import NIOCore
internal import PostgresNIO

/// A time bound as a `timestamptz`, rounded to the nearest microsecond.
///
/// postgres-nio's own encoding of `Date` truncates, and a `Date` read back from
/// PostgreSQL is often a hair below its microsecond (a double holds it inexactly), so a
/// time that goes through the store twice (`store copy` there and back) lost a
/// microsecond each time and could fall into the second before. Rounding makes the
/// round trip exact: what is read is what is written again.
struct PostgresTimestamp: PostgresNonThrowingEncodable {
    let date: Date

    init(_ date: Date) { self.date = date }

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    /// Microseconds since 2000-01-01, PostgreSQL's epoch.
    var microseconds: Int64 { Int64(((date.timeIntervalSince1970 - 946_684_800) * 1_000_000).rounded()) }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(microseconds)
    }
}

extension PostgresQuery.StringInterpolation {
    /// Binds a time through ``PostgresTimestamp`` (preferred over the driver's generic `Date` encoding).
    mutating func appendInterpolation(_ value: Date) { appendInterpolation(PostgresTimestamp(value)) }

    /// Binds a time or NULL through ``PostgresTimestamp``.
    mutating func appendInterpolation(_ value: Date?) { appendInterpolation(value.map(PostgresTimestamp.init)) }
}

extension QueryBuilder {
    /// Binds a time through ``PostgresTimestamp``.
    mutating func bind(_ date: Date) { bind(PostgresTimestamp(date)) }
}
