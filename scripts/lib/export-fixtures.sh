# Shared by scripts/test-exports and scripts/bench/export: sourced, not run.

PURE_DIR=/var/cache/wachter-test/pure-ftpd
PURE_PW="$PURE_DIR/usr/bin/pure-pw"
PURE_FTPD="$PURE_DIR/usr/sbin/pure-ftpd"

# wachter_binary CONFIG: the wachter executable, built if needed
# ($WACHTER_BIN overrides; CONFIG is debug or release).
wachter_binary() {
    local config=${1:-debug}
    if [ -n "${WACHTER_BIN:-}" ]; then echo "$WACHTER_BIN"; return; fi
    local root
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    (cd "$root" && swift build -c "$config" --product wachter >&2)
    echo "$root/.build/$config/wachter"
}

# generate_accounts STORE COUNT KIND PREFIX HASH [CUSTOMER]: inserts COUNT
# accounts straight into the store's SQLite file, all with one precomputed
# hash (hashing 100,000 passwords with yescrypt through the CLI would take hours).
# Mailbox names are PREFIXnnnnnn@bench.example, other kinds PREFIXnnnnnn.
generate_accounts() {
    local store=$1 count=$2 kind=$3 prefix=$4 hash=$5 customer=${6:-bench}
    local suffix=""
    [ "$kind" = mailbox ] && suffix="@bench.example"
    sqlite3 "$store" <<SQL
INSERT OR IGNORE INTO customer (id, name, created_at) VALUES ('$customer', 'Benchmark', 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
INSERT INTO account (name, kind, customer_id, hash, password_set_at, created_at)
SELECT printf('%s%06d%s', '$prefix', i, '$suffix'), '$kind', '$customer', '$hash', 0, 0 FROM n;
SQL
}
