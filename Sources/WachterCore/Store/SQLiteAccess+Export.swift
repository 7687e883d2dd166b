internal import GRDB

extension SQLiteAccess {
    /// Reads only the four columns an export needs, by position: a 100,000-account
    /// export spends its time writing lines, not decoding whole account rows by column name.
    func exportRecords(kind: AccountKind) throws -> [ExportRecord] {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT name, customer_id, hash, locked FROM account WHERE kind = ? ORDER BY name",
            arguments: [kind.rawValue])
        var records: [ExportRecord] = []
        while let row = try rows.next() {
            records.append(ExportRecord(name: row[0], customerID: row[1], hash: row[2], locked: row[3]))
        }
        return records
    }
}
