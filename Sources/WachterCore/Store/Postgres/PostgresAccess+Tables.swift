internal import Foundation
internal import PostgresNIO

// Whole tables, for StoreCopy: rows in the backend-neutral form of StoreTable.
extension PostgresAccess: StoreTableAccess {
    /// The SELECT list of a table: an exact time is read from its `epoch` column.
    private static func selectList(_ table: StoreTable) -> String {
        table.columns.map { $0.kind == .exactTime ? "epoch" : $0.name }.joined(separator: ", ")
    }

    func forEachRow(of table: StoreTable, _ body: ([StoreValue]) throws -> Void) throws {
        let columns = table.columns
        let key = columns[0].name
        // Pages by the first column (each table's key), so that a million login events are never held at once.
        var after: StoreValue? = nil
        while true {
            var query = QueryBuilder("SELECT \(Self.selectList(table)) FROM \(table.rawValue)")
            if let after {
                query.add(" WHERE \(key) > ")
                switch after {
                case .integer(let number): query.bind(number)
                case .text(let text): query.bind(text)
                default: break
                }
            }
            query.add(table.keyIsUnique ? " ORDER BY \(key) LIMIT 10000" : " ORDER BY \(key)")
            let page = try session.query(query.query)
            var count = 0
            for row in page {
                var values: [StoreValue] = []
                values.reserveCapacity(columns.count)
                for (cell, column) in zip(row, columns) {
                    if cell.bytes == nil {
                        values.append(.null)
                        continue
                    }
                    switch column.kind {
                    case .text: values.append(.text(try cell.decode(String.self)))
                    case .integer: values.append(.integer(try cell.decode(Int64.self)))
                    case .flag: values.append(.flag(try cell.decode(Bool.self)))
                    case .time: values.append(.time(try cell.decode(Date.self).timeIntervalSince1970))
                    case .exactTime: values.append(.time(try cell.decode(Double.self)))
                    }
                }
                after = values[0]
                try body(values)
                count += 1
            }
            if count < 10000 || !table.keyIsUnique { return }
        }
    }

    func insertRows(_ rows: [[StoreValue]], into table: StoreTable) throws {
        guard !rows.isEmpty else { return }
        let columns = table.columns
        var names = columns.map(\.name)
        let exact = columns.firstIndex { $0.kind == .exactTime }
        if exact != nil { names.append("epoch") }
        var query = QueryBuilder("INSERT INTO \(table.rawValue) (\(names.joined(separator: ", ")))")
        if table.hasGeneratedKey { query.add(" OVERRIDING SYSTEM VALUE") }
        query.add(" VALUES ")
        for (number, row) in rows.enumerated() {
            query.add(number == 0 ? "(" : ", (")
            var values = row
            if let exact { values.append(row[exact]) }
            for (index, value) in values.enumerated() {
                if index > 0 { query.add(", ") }
                let kind = index < columns.count ? columns[index].kind : .integer
                switch value {
                case .null: query.add("NULL")
                case .text(let text): query.bind(text)
                case .integer(let number): query.bind(number)
                case .flag(let flag): query.bind(flag)
                case .time(let seconds):
                    if kind == .integer {
                        // The epoch column beside an exact time: the double itself.
                        query.bind(seconds)
                    } else {
                        query.bind(Date(timeIntervalSince1970: seconds))
                    }
                }
            }
            query.add(")")
        }
        try session.query(query.query)
    }

    func count(of table: StoreTable) throws -> Int {
        try scalar(PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(table.rawValue)"), as: Int.self) ?? 0
    }

    func deleteAllRows() throws {
        try run(
            PostgresQuery(
                unsafeSQL: "TRUNCATE " + StoreTable.allCases.map(\.rawValue).joined(separator: ", ") + " RESTART IDENTITY"))
    }

    func finishCopy() throws {
        for table in StoreTable.allCases where table.hasGeneratedKey {
            try run(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT setval(pg_get_serial_sequence('\(table.rawValue)', 'id'),
                            GREATEST((SELECT MAX(id) FROM \(table.rawValue)), 1), (SELECT MAX(id) FROM \(table.rawValue)) IS NOT NULL)
                        """))
        }
    }
}
