internal import Foundation
internal import GRDB

extension SQLiteAccess {
    /// Reads only the four columns an export needs, by position, one row at a
    /// time: a 100,000-account export holds one record, not all of them, and
    /// spends its time writing lines, not decoding whole account rows by column name.
    ///
    /// Text is decoded the quick way, through sqlite3_column_text, which stops at a
    /// NUL: a name stored as `bob\0x` (by an edit behind wachter's back) would come
    /// out as `bob`. So the fifth column holds the three columns' length in bytes,
    /// and a row whose decoded text is shorter (or longer, where invalid UTF-8 was
    /// repaired) has its columns read byte for byte instead; the export's checks
    /// then refuse the record.
    func forEachExportRecord(kind: AccountKind, _ body: (ExportRecord) throws -> Void) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT name, customer_id, hash, locked,
                    length(CAST(name AS BLOB)) + length(CAST(customer_id AS BLOB)) + length(CAST(hash AS BLOB))
                FROM account WHERE kind = ? ORDER BY name
                """,
            arguments: [kind.rawValue])
        while let row = try rows.next() {
            var record = ExportRecord(
                name: row[0] as String? ?? "", customerID: row[1] as String? ?? "", hash: row[2] as String? ?? "",
                locked: row[3])
            let length: Int? = row[4]
            if record.name.utf8.count + record.customerID.utf8.count + record.hash.utf8.count != length {
                func bytes(_ index: Int) throws -> String {
                    try row.withUnsafeData(atIndex: index) { data in data.map { String(decoding: $0, as: UTF8.self) } ?? "" }
                }
                record = ExportRecord(name: try bytes(0), customerID: try bytes(1), hash: try bytes(2), locked: record.locked)
            }
            try body(record)
        }
    }

    func exportStamp(host: String, path: String) throws -> ExportStamp? {
        try Row.fetchOne(db, sql: "SELECT * FROM export_stamp WHERE host = ? AND path = ?", arguments: [host, path]).map(
            Self.exportStamp)
    }

    func exportStamps() throws -> [ExportStamp] {
        try Row.fetchAll(db, sql: "SELECT * FROM export_stamp ORDER BY host, path").map(Self.exportStamp)
    }

    func setExportStamp(_ stamp: ExportStamp) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO export_stamp (host, path, identity, settings, written_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [stamp.host, stamp.path, stamp.identity, stamp.settings, stamp.writtenAt?.timeIntervalSince1970])
    }

    private static func exportStamp(_ row: Row) -> ExportStamp {
        ExportStamp(
            host: row["host"], path: row["path"], identity: row["identity"], settings: row["settings"],
            writtenAt: (row["written_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}
