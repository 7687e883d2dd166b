internal import GRDB

/// The store's schema, as named migrations applied in order and recorded in the file.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-accounts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE customer (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        company TEXT,
                        email TEXT,
                        created_at DOUBLE NOT NULL
                    );
                    CREATE TABLE account (
                        name TEXT PRIMARY KEY NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('mailbox', 'ftp', 'ssh', 'panel')),
                        customer_id TEXT NOT NULL REFERENCES customer(id) ON DELETE RESTRICT,
                        hash TEXT NOT NULL,
                        password_set_at DOUBLE NOT NULL,
                        must_change INTEGER NOT NULL DEFAULT 0,
                        locked INTEGER NOT NULL DEFAULT 0,
                        locked_until DOUBLE,
                        failures INTEGER NOT NULL DEFAULT 0,
                        last_login DOUBLE,
                        created_at DOUBLE NOT NULL
                    );
                    CREATE INDEX account_customer ON account(customer_id);
                    CREATE TABLE password_history (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        account TEXT NOT NULL REFERENCES account(name) ON DELETE CASCADE,
                        hash TEXT NOT NULL,
                        set_at DOUBLE NOT NULL
                    );
                    CREATE INDEX password_history_account ON password_history(account, id);
                    CREATE TABLE login_event (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        time DOUBLE NOT NULL,
                        account TEXT NOT NULL,
                        service TEXT NOT NULL,
                        source TEXT,
                        result TEXT NOT NULL,
                        reason TEXT
                    );
                    CREATE INDEX login_event_time ON login_event(time);
                    CREATE INDEX login_event_account ON login_event(account, time);
                    CREATE TABLE audit (
                        sequence INTEGER PRIMARY KEY NOT NULL,
                        time DOUBLE NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        target TEXT NOT NULL,
                        detail TEXT NOT NULL,
                        previous_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-login-source") { db in
            // Per-source throttling counts a source's recent failures over all accounts.
            try db.execute(sql: "CREATE INDEX login_event_source ON login_event(source, time)")
        }
        // Retention: what each prune removed (for the report), and the audit trail's
        // checkpoint once its head is pruned (AuditChain.verify starts from it).
        // The report's queries scan a period of login events several times; a
        // covering index on (time, result, source, account) answers them from the
        // index alone (docs/REPORT.md, Performance). It starts with time, so it
        // replaces login_event_time for every query that used that.
        migrator.registerMigration("v3-retention") { db in
            try db.execute(
                sql: """
                    CREATE TABLE retention_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        run DOUBLE NOT NULL,
                        record TEXT NOT NULL,
                        removed INTEGER NOT NULL,
                        cutoff DOUBLE NOT NULL
                    );
                    CREATE INDEX retention_log_run ON retention_log(run);
                    CREATE TABLE audit_checkpoint (
                        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                        sequence INTEGER NOT NULL,
                        hash TEXT NOT NULL,
                        time DOUBLE NOT NULL,
                        created_at DOUBLE NOT NULL
                    );
                    CREATE INDEX audit_time ON audit(time);
                    CREATE INDEX login_event_report ON login_event(time, result, source, account);
                    DROP INDEX login_event_time;
                    """)
        }
        migrator.registerMigration("v4-sites") { db in
            // The hosted sites, and every certificate check of them; the report and
            // `site list` read the latest check per site through (domain, checked_at).
            try db.execute(
                sql: """
                    CREATE TABLE site (
                        domain TEXT PRIMARY KEY NOT NULL,
                        customer_id TEXT NOT NULL REFERENCES customer(id) ON DELETE RESTRICT,
                        connect TEXT,
                        cert_file TEXT,
                        key_file TEXT,
                        created_at DOUBLE NOT NULL
                    );
                    CREATE INDEX site_customer ON site(customer_id);
                    CREATE TABLE site_check (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        domain TEXT NOT NULL,
                        checked_at DOUBLE NOT NULL,
                        verdict TEXT NOT NULL,
                        problems TEXT NOT NULL,
                        not_after DOUBLE
                    );
                    CREATE INDEX site_check_domain ON site_check(domain, checked_at);
                    CREATE INDEX site_check_time ON site_check(checked_at);
                    """)
        }
        // What each export file was when Wachter last wrote it, so that a re-export
        // after one change can patch the file instead of writing every line anew.
        migrator.registerMigration("v5-export-stamps") { db in
            try db.execute(
                sql: """
                    CREATE TABLE export_stamp (
                        path TEXT PRIMARY KEY NOT NULL,
                        identity TEXT NOT NULL,
                        settings TEXT NOT NULL
                    );
                    """)
        }
        // Several endpoints per site (web on 443, IMAP on 143, submission on 587),
        // each with its STARTTLS protocol; sites checked from their files alone;
        // and per check the endpoint and the problem codes (the report lists
        // revoked certificates first). A site's old `connect` moves into
        // site_endpoint; a site without endpoint rows is checked on port 443, as before.
        migrator.registerMigration("v6-site-endpoints") { db in
            try db.execute(
                sql: """
                    CREATE TABLE site_endpoint (
                        domain TEXT NOT NULL REFERENCES site(domain) ON DELETE CASCADE,
                        connect TEXT NOT NULL,
                        starttls TEXT CHECK (starttls IN ('imap', 'pop3', 'smtp', 'ftp')),
                        PRIMARY KEY (domain, connect)
                    );
                    INSERT INTO site_endpoint (domain, connect) SELECT domain, connect FROM site WHERE connect IS NOT NULL;
                    UPDATE site SET connect = NULL;
                    ALTER TABLE site ADD COLUMN files_only INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE site_check ADD COLUMN endpoint TEXT;
                    ALTER TABLE site_check ADD COLUMN starttls TEXT;
                    ALTER TABLE site_check ADD COLUMN codes TEXT NOT NULL DEFAULT '';
                    """)
        }
        // The customer record as the privacy statement lists it. The values of these
        // columns (and of name, company and email) are what the services wrote: sealed
        // by Privacy/FieldCipher, opaque to the store (docs/PRIVACY.md).
        migrator.registerMigration("v7-customer-contact") { db in
            try db.execute(
                sql: """
                    ALTER TABLE customer ADD COLUMN address TEXT;
                    ALTER TABLE customer ADD COLUMN postcode TEXT;
                    ALTER TABLE customer ADD COLUMN city TEXT;
                    ALTER TABLE customer ADD COLUMN website TEXT;
                    ALTER TABLE customer ADD COLUMN phone TEXT;
                    """)
        }
        // Login sources are stored sealed (a new nonce each time), so equality lookups
        // (per-source throttling, the report's grouping by source) use a keyed digest
        // column instead; the indexes that named `source` name it instead. Rows written
        // before keep their plain source as their digest until `wachter key rotate`.
        migrator.registerMigration("v8-login-source-digest") { db in
            try db.execute(
                sql: """
                    ALTER TABLE login_event ADD COLUMN source_digest TEXT;
                    UPDATE login_event SET source_digest = source;
                    DROP INDEX login_event_source;
                    CREATE INDEX login_event_source_digest ON login_event(source_digest, time);
                    DROP INDEX login_event_report;
                    CREATE INDEX login_event_report ON login_event(time, result, source_digest, account);
                    """)
        }
        // Erasure: the customer's held fields and until when (a fiscal hold), and per audit
        // entry the digest of its personal parts, over which the chain runs from now on.
        migrator.registerMigration("v9-customer-erasure") { db in
            try db.execute(
                sql: """
                    ALTER TABLE customer ADD COLUMN held_until DOUBLE;
                    ALTER TABLE audit ADD COLUMN personal_digest TEXT;
                    """)
        }
        // Several hosts on one store (docs/HOSTS.md): the host registry, the latest run of
        // each once-per-business job, export stamps per host (two hosts may export to the
        // same path), and failures the agent saw repeated, which no host counts again.
        migrator.registerMigration("v10-hosts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE host (
                        name TEXT PRIMARY KEY NOT NULL,
                        version TEXT NOT NULL,
                        started_at REAL NOT NULL,
                        last_seen REAL NOT NULL,
                        change_position INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE job_run (
                        job TEXT PRIMARY KEY NOT NULL,
                        host TEXT NOT NULL,
                        started_at REAL NOT NULL,
                        finished_at REAL,
                        outcome TEXT
                    );
                    CREATE TABLE export_stamp_by_host (
                        host TEXT NOT NULL,
                        path TEXT NOT NULL,
                        identity TEXT NOT NULL,
                        settings TEXT NOT NULL,
                        written_at REAL,
                        PRIMARY KEY (host, path)
                    );
                    DROP TABLE export_stamp;
                    ALTER TABLE export_stamp_by_host RENAME TO export_stamp;
                    ALTER TABLE login_event ADD COLUMN repeated INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE audit ADD COLUMN host TEXT;
                    """)
        }
        // Where each problem of a stored check was found (`served` or `disk`), so that a
        // check reads back as the one check type, SiteCheckResult (StoredSiteCheck).
        migrator.registerMigration("v11-site-check-sources") { db in
            try db.execute(sql: "ALTER TABLE site_check ADD COLUMN sources TEXT NOT NULL DEFAULT ''")
        }
        return migrator
    }
}
