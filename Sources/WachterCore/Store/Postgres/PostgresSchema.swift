internal import PostgresNIO

/// The PostgreSQL store's schema: the same named migrations as SQLite's (``Schema``),
/// in PostgreSQL's types (timestamptz for times, boolean for flags, identity
/// columns for ordered rows), recorded in `wachter_migration`.
///
/// An audit entry's time is hashed bit for bit (``AuditChain``), and timestamptz
/// keeps microseconds only, so the audit table keeps the exact seconds beside it
/// (`epoch`, double precision, which PostgreSQL stores as the same IEEE double).
///
/// Every text column sorts and compares byte by byte (`COLLATE "C"`), as SQLite does,
/// whatever the database's locale: export files, lists and paging come out in the same
/// order on both backends.
enum PostgresSchema {
    struct Migration: Sendable {
        var name: String
        var statements: [PostgresQuery]
    }

    static let migrations: [Migration] = [
        Migration(
            name: "v1-accounts",
            statements: [
                """
                CREATE TABLE customer (
                    id text COLLATE "C" PRIMARY KEY,
                    name text COLLATE "C" NOT NULL,
                    company text COLLATE "C",
                    email text COLLATE "C",
                    created_at timestamptz NOT NULL)
                """,
                """
                CREATE TABLE account (
                    name text COLLATE "C" PRIMARY KEY,
                    kind text COLLATE "C" NOT NULL CHECK (kind IN ('mailbox', 'ftp', 'ssh', 'panel')),
                    customer_id text COLLATE "C" NOT NULL REFERENCES customer(id) ON DELETE RESTRICT,
                    hash text COLLATE "C" NOT NULL,
                    password_set_at timestamptz NOT NULL,
                    must_change boolean NOT NULL DEFAULT false,
                    locked boolean NOT NULL DEFAULT false,
                    locked_until timestamptz,
                    failures integer NOT NULL DEFAULT 0,
                    last_login timestamptz,
                    created_at timestamptz NOT NULL)
                """,
                "CREATE INDEX account_customer ON account(customer_id)",
                """
                CREATE TABLE password_history (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    account text COLLATE "C" NOT NULL REFERENCES account(name) ON DELETE CASCADE,
                    hash text COLLATE "C" NOT NULL,
                    set_at timestamptz NOT NULL)
                """,
                "CREATE INDEX password_history_account ON password_history(account, id)",
                """
                CREATE TABLE login_event (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    time timestamptz NOT NULL,
                    account text COLLATE "C" NOT NULL,
                    service text COLLATE "C" NOT NULL,
                    source text COLLATE "C",
                    result text COLLATE "C" NOT NULL,
                    reason text COLLATE "C")
                """,
                "CREATE INDEX login_event_time ON login_event(time)",
                "CREATE INDEX login_event_account ON login_event(account, time)",
                """
                CREATE TABLE audit (
                    sequence bigint PRIMARY KEY,
                    time timestamptz NOT NULL,
                    epoch double precision NOT NULL,
                    actor text COLLATE "C" NOT NULL,
                    action text COLLATE "C" NOT NULL,
                    target text COLLATE "C" NOT NULL,
                    detail text COLLATE "C" NOT NULL,
                    previous_hash text COLLATE "C" NOT NULL,
                    hash text COLLATE "C" NOT NULL)
                """,
            ]),
        Migration(
            name: "v2-login-source",
            statements: ["CREATE INDEX login_event_source ON login_event(source, time)"]),
        Migration(
            name: "v3-retention",
            statements: [
                """
                CREATE TABLE retention_log (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    run timestamptz NOT NULL,
                    record text COLLATE "C" NOT NULL,
                    removed bigint NOT NULL,
                    cutoff timestamptz NOT NULL)
                """,
                "CREATE INDEX retention_log_run ON retention_log(run)",
                """
                CREATE TABLE audit_checkpoint (
                    id integer PRIMARY KEY CHECK (id = 1),
                    sequence bigint NOT NULL,
                    hash text COLLATE "C" NOT NULL,
                    time timestamptz NOT NULL,
                    epoch double precision NOT NULL,
                    created_at timestamptz NOT NULL)
                """,
                "CREATE INDEX audit_time ON audit(time)",
                "CREATE INDEX login_event_report ON login_event(time, result, source, account)",
                "DROP INDEX login_event_time",
            ]),
        Migration(
            name: "v4-sites",
            statements: [
                """
                CREATE TABLE site (
                    domain text COLLATE "C" PRIMARY KEY,
                    customer_id text COLLATE "C" NOT NULL REFERENCES customer(id) ON DELETE RESTRICT,
                    connect text COLLATE "C",
                    cert_file text COLLATE "C",
                    key_file text COLLATE "C",
                    created_at timestamptz NOT NULL)
                """,
                "CREATE INDEX site_customer ON site(customer_id)",
                """
                CREATE TABLE site_check (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    domain text COLLATE "C" NOT NULL,
                    checked_at timestamptz NOT NULL,
                    verdict text COLLATE "C" NOT NULL,
                    problems text COLLATE "C" NOT NULL,
                    not_after timestamptz)
                """,
                "CREATE INDEX site_check_domain ON site_check(domain, checked_at)",
                "CREATE INDEX site_check_time ON site_check(checked_at)",
            ]),
        Migration(
            name: "v5-export-stamps",
            statements: [
                #"CREATE TABLE export_stamp (path text COLLATE "C" PRIMARY KEY, identity text COLLATE "C" NOT NULL, settings text COLLATE "C" NOT NULL)"#
            ]),
        Migration(
            name: "v6-site-endpoints",
            statements: [
                """
                CREATE TABLE site_endpoint (
                    id bigint GENERATED ALWAYS AS IDENTITY,
                    domain text COLLATE "C" NOT NULL REFERENCES site(domain) ON DELETE CASCADE,
                    connect text COLLATE "C" NOT NULL,
                    starttls text COLLATE "C" CHECK (starttls IN ('imap', 'pop3', 'smtp', 'ftp')),
                    PRIMARY KEY (domain, connect))
                """,
                "INSERT INTO site_endpoint (domain, connect) SELECT domain, connect FROM site WHERE connect IS NOT NULL",
                "UPDATE site SET connect = NULL",
                "ALTER TABLE site ADD COLUMN files_only boolean NOT NULL DEFAULT false",
                #"ALTER TABLE site_check ADD COLUMN endpoint text COLLATE "C""#,
                #"ALTER TABLE site_check ADD COLUMN starttls text COLLATE "C""#,
                #"ALTER TABLE site_check ADD COLUMN codes text COLLATE "C" NOT NULL DEFAULT ''"#,
            ]),
        Migration(
            name: "v7-customer-contact",
            statements: [
                #"ALTER TABLE customer ADD COLUMN address text COLLATE "C""#,
                #"ALTER TABLE customer ADD COLUMN postcode text COLLATE "C""#,
                #"ALTER TABLE customer ADD COLUMN city text COLLATE "C""#,
                #"ALTER TABLE customer ADD COLUMN website text COLLATE "C""#,
                #"ALTER TABLE customer ADD COLUMN phone text COLLATE "C""#,
            ]),
        Migration(
            name: "v8-login-source-digest",
            statements: [
                #"ALTER TABLE login_event ADD COLUMN source_digest text COLLATE "C""#,
                "UPDATE login_event SET source_digest = source",
                "DROP INDEX login_event_source",
                "CREATE INDEX login_event_source_digest ON login_event(source_digest, time)",
                "DROP INDEX login_event_report",
                "CREATE INDEX login_event_report ON login_event(time, result, source_digest, account)",
            ]),
        Migration(
            name: "v9-customer-erasure",
            statements: [
                "ALTER TABLE customer ADD COLUMN held_until timestamptz",
                #"ALTER TABLE audit ADD COLUMN personal_digest text COLLATE "C""#,
            ]),
        // Several hosts (docs/HOSTS.md): as in SQLite, and every committed audit entry is
        // announced on the channel `wachter_change` (NOTIFY is delivered at commit, so a
        // listener never hears of a change it cannot read yet). The channel is written out
        // (PostgresStore.changeChannel): an interpolation would become a bind parameter.
        Migration(
            name: "v10-hosts",
            statements: [
                #"CREATE TABLE host (name text COLLATE "C" PRIMARY KEY, version text NOT NULL, started_at timestamptz NOT NULL, last_seen timestamptz NOT NULL, change_position bigint NOT NULL DEFAULT 0)"#,
                #"CREATE TABLE job_run (job text COLLATE "C" PRIMARY KEY, host text COLLATE "C" NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz, outcome text)"#,
                "DROP TABLE export_stamp",
                #"CREATE TABLE export_stamp (host text COLLATE "C" NOT NULL, path text COLLATE "C" NOT NULL, identity text COLLATE "C" NOT NULL, settings text COLLATE "C" NOT NULL, written_at timestamptz, PRIMARY KEY (host, path))"#,
                "ALTER TABLE login_event ADD COLUMN repeated boolean NOT NULL DEFAULT false",
                #"ALTER TABLE audit ADD COLUMN host text COLLATE "C""#,
                """
                CREATE FUNCTION wachter_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('wachter_change', NEW.sequence::text);
                    RETURN NULL;
                END
                $$
                """,
                "CREATE TRIGGER wachter_change AFTER INSERT ON audit FOR EACH ROW EXECUTE FUNCTION wachter_announce_change()",
            ]),
        // As in SQLite: where each problem of a stored check was found.
        Migration(
            name: "v11-site-check-sources",
            statements: [#"ALTER TABLE site_check ADD COLUMN sources text COLLATE "C" NOT NULL DEFAULT ''"#]),
    ]

    /// Applies the missing migrations, each in its own transaction, under a session
    /// advisory lock held from the check to the last one.
    ///
    /// - Parameters:
    ///   - session: The connection.
    ///   - create: Whether a database without Wachter's tables may be given them.
    ///   - last: The last migration to apply (tests of upgrades); nil for all.
    ///   - location: The store, for messages.
    /// - Throws: ``WachterError/Code/storeMissing`` for a database without the tables when `create` is off.
    static func migrate(_ session: PostgresSession, create: Bool, upTo last: String?, location: PostgresLocation) throws {
        try session.query("SELECT pg_advisory_lock(\(PostgresStore.migrationLock))")
        defer { _ = try? session.query("SELECT pg_advisory_unlock(\(PostgresStore.migrationLock))") }
        let exists = try session.query("SELECT to_regclass('wachter_migration') IS NOT NULL").first?.decode(Bool.self) ?? false
        if !exists {
            guard create else {
                throw WachterError(
                    .storeMissing, "the database \(location) holds no Wachter store; run `wachter init` first, or give --store")
            }
            try session.query(
                "CREATE TABLE wachter_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
        }
        let done = Set(try applied(session))
        for migration in migrations {
            if !done.contains(migration.name) {
                try session.query("BEGIN")
                do {
                    for statement in migration.statements { try session.query(statement) }
                    try session.query("INSERT INTO wachter_migration (name) VALUES (\(migration.name))")
                    try session.query("COMMIT")
                } catch {
                    _ = try? session.query("ROLLBACK")
                    throw error
                }
            }
            if migration.name == last { break }
        }
    }

    /// The names of the applied migrations.
    static func applied(_ session: PostgresSession) throws -> [String] {
        try session.query("SELECT name FROM wachter_migration").map { try $0.decode(String.self) }
    }
}
