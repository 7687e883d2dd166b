internal import Foundation
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
            records.append(
                ExportRecord(name: Self.text(row[0]), customerID: Self.text(row[1]), hash: Self.text(row[2]), locked: row[3]))
        }
        return records
    }

    func exportStamp(path: String) throws -> ExportStamp? {
        try Row.fetchOne(db, sql: "SELECT identity, settings FROM export_stamp WHERE path = ?", arguments: [path]).map {
            ExportStamp(path: path, identity: $0["identity"], settings: $0["settings"])
        }
    }

    func setExportStamp(_ stamp: ExportStamp) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO export_stamp (path, identity, settings) VALUES (?, ?, ?)",
            arguments: [stamp.path, stamp.identity, stamp.settings])
    }

    /// A text column as it is stored, whatever its storage class.
    ///
    /// Decoding a statement row's column straight to `String` goes through
    /// sqlite3_column_text and stops at a NUL, so a name stored as the blob
    /// `bob\0x` (by an edit behind wachter's back) would come out as `bob`. Every
    /// byte is kept instead, and the export's checks refuse the record.
    private static func text(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .string(let string): string
        case .blob(let data): String(decoding: data, as: UTF8.self)
        case .int64(let number): String(number)
        case .double(let number): String(number)
        case .null: ""
        }
    }
}
