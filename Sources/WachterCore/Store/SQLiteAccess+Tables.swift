internal import Foundation
internal import GRDB

// Whole tables, for StoreCopy: rows in the backend-neutral form of StoreTable.
extension SQLiteAccess: StoreTableAccess {
    func forEachRow(of table: StoreTable, _ body: ([StoreValue]) throws -> Void) throws {
        let columns = table.columns
        let names = columns.map { table.keyIsRowNumber && $0.name == "id" ? "rowid" : $0.name }
        let rows = try Row.fetchCursor(
            db, sql: "SELECT \(names.joined(separator: ", ")) FROM \(table.rawValue) ORDER BY \(names[0])")
        while let row = try rows.next() {
            try body(
                columns.indices.map { index -> StoreValue in
                    let value = row[index] as DatabaseValue
                    switch value.storage {
                    case .null: return .null
                    case .int64(let number):
                        switch columns[index].kind {
                        case .flag: return .flag(number != 0)
                        case .time, .exactTime: return .time(Double(number))
                        default: return .integer(number)
                        }
                    case .double(let number): return .time(number)
                    case .string(let text): return .text(text)
                    case .blob(let data): return .text(String(decoding: data, as: UTF8.self))
                    }
                })
        }
    }

    func insertRows(_ rows: [[StoreValue]], into table: StoreTable) throws {
        let names = table.columns.map { table.keyIsRowNumber && $0.name == "id" ? "rowid" : $0.name }
        let statement = try db.cachedStatement(
            sql:
                "INSERT INTO \(table.rawValue) (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))"
        )
        for row in rows {
            try statement.execute(
                arguments: StatementArguments(
                    row.map { value -> (any DatabaseValueConvertible)? in
                        switch value {
                        case .null: nil
                        case .text(let text): text
                        case .integer(let number): number
                        case .flag(let flag): flag
                        case .time(let seconds): seconds
                        }
                    }))
        }
    }

    func count(of table: StoreTable) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.rawValue)") ?? 0
    }

    func deleteAllRows() throws {
        for table in StoreTable.allCases.reversed() { try db.execute(sql: "DELETE FROM \(table.rawValue)") }
    }

    func finishCopy() throws {
        // AUTOINCREMENT continues after the largest key by itself.
    }
}
