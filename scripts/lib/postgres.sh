# A real PostgreSQL server for the tests: Debian's postgresql, a cluster in a temporary
# directory owned by its own system user (wachter-pg), listening on a Unix socket in
# that directory (and on the addresses given), stopped by PID. Sourced by scripts/test,
# the integration scripts and the benchmarks.
#
#   pg_start DIR [LISTEN_ADDRESSES]   starts a server under DIR; sets PG_DIR, PG_SOCKET,
#                                     PG_PORT, PG_PID, PG_PASSFILE and PG_URL (the role
#                                     `wachter`, database `wachter`, password in PG_PASSFILE)
#   pg_url DATABASE                   the URL of another database on that server
#   pg_createdb DATABASE              makes a database owned by `wachter`
#   pg_stop                           stops the server (SIGINT, a fast shutdown), by PID
#   pg_start_standby DIR              a streaming standby of the running server, on the same
#                                     port in a socket directory of its own; sets STANDBY_DIR,
#                                     STANDBY_SOCKET, STANDBY_PID
#   pg_promote                        promotes the standby (it becomes writable)
#   pg_enable_tls DIR                 a CA and a server certificate for `localhost` under DIR
#                                     (DIR/ca.pem for clients), TLS switched on by a reload and
#                                     required of TCP clients (hostssl)
#
# initdb is slow on two cores, so the initialised cluster is kept as a template in
# /var/cache/wachter-ci/postgres-<version>-template and copied for each server; it is
# made again when missing.

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
PG_USER=wachter-pg
PG_CACHE=${WACHTER_CI_CACHE:-/var/cache/wachter-ci}

pg_ensure_user() {
    id "$PG_USER" > /dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
}

pg_template() { # prints the template cluster's directory, making it when missing
    local version template
    version=$(basename "$(dirname "$PG_BIN")")
    template="$PG_CACHE/postgres-$version-template"
    if [ ! -f "$template/PG_VERSION" ]; then
        rm -rf "$template.tmp"
        mkdir -p "$template.tmp"
        chown "$PG_USER" "$template.tmp"
        runuser -u "$PG_USER" -- "$PG_BIN/initdb" -D "$template.tmp" -U postgres --auth-local=trust \
            --encoding=UTF8 --locale=C.UTF-8 > "$PG_CACHE/postgres-initdb.log" 2>&1
        rm -rf "$template"
        mv "$template.tmp" "$template"
    fi
    echo "$template"
}

pg_start() {
    local dir="$1" listen="${2:-}"
    pg_ensure_user
    mkdir -p "$PG_CACHE"
    local template
    template=$(pg_template)
    PG_DIR="$dir/pg"
    PG_SOCKET="$dir/pgsocket"
    mkdir -p "$PG_SOCKET"
    cp -a "$template" "$PG_DIR"
    chown -R "$PG_USER" "$PG_DIR" "$PG_SOCKET"
    chmod 700 "$PG_DIR" "$PG_SOCKET"
    # The test's own directory must be passable for the server's user.
    chmod o+x "$dir"
    PG_PORT=${PG_PORT:-$((20000 + RANDOM % 20000))}
    # The setup role `postgres` is trusted on the socket only; every other role, and
    # every TCP client, authenticates with SCRAM (the password from a pgpass file).
    cat > "$PG_DIR/pg_hba.conf" <<EOF
local all postgres trust
local replication postgres trust
local all all scram-sha-256
host all all 0.0.0.0/0 scram-sha-256
host all all ::/0 scram-sha-256
EOF
    cat >> "$PG_DIR/postgresql.conf" <<EOF
listen_addresses = '$listen'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 128MB
wal_level = replica
max_wal_senders = 4
hot_standby = on
EOF
    runuser -u "$PG_USER" -- "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/postgres.log" -w -t 60 start > /dev/null
    PG_PID=$(head -1 "$PG_DIR/postmaster.pid")
    local password
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    PG_PASSFILE="$dir/pgpass"
    ( umask 077; printf '*:*:*:wachter:%s\n' "$password" > "$PG_PASSFILE" )
    pg_psql postgres -q -v password="$password" <<'EOF'
CREATE ROLE wachter LOGIN CREATEDB PASSWORD :'password';
CREATE DATABASE wachter OWNER wachter;
EOF
    unset password
    PG_URL=$(pg_url wachter)
    export PG_DIR PG_SOCKET PG_PORT PG_PID PG_PASSFILE PG_URL
}

pg_psql() { # pg_psql DATABASE ARGS...: psql as the setup role, on the socket
    local database="$1"; shift
    "$PG_BIN/psql" -X -h "$PG_SOCKET" -p "$PG_PORT" -U postgres -d "$database" -v ON_ERROR_STOP=1 "$@"
}

pg_url() { echo "postgresql://wachter@/$1?host=$PG_SOCKET&port=$PG_PORT&passfile=$PG_PASSFILE"; }

pg_createdb() { pg_psql postgres -q -c "CREATE DATABASE \"$1\" OWNER wachter"; }

pg_stop_pid() { # pg_stop_pid PID: a fast shutdown (SIGINT) of the server with this PID, waited for
    [ -n "${1:-}" ] || return 0
    kill -INT "$1" 2> /dev/null || true
    for _ in $(seq 1 100); do kill -0 "$1" 2> /dev/null || break; sleep 0.1; done
}

pg_stop() { pg_stop_pid "${PG_PID:-}"; PG_PID=; }

pg_start_standby() {
    local dir="$1"
    STANDBY_DIR="$dir/standby"
    STANDBY_SOCKET="$dir/standbysocket"
    mkdir -p "$STANDBY_SOCKET" "$STANDBY_DIR"
    chown "$PG_USER" "$STANDBY_SOCKET" "$STANDBY_DIR"
    chmod 700 "$STANDBY_SOCKET" "$STANDBY_DIR"
    runuser -u "$PG_USER" -- "$PG_BIN/pg_basebackup" -h "$PG_SOCKET" -p "$PG_PORT" -U postgres -D "$STANDBY_DIR" -R -X stream
    # The copy carries the primary's settings; the standby's socket directory is its own,
    # and it listens on no TCP address (the primary's port is taken there).
    printf "unix_socket_directories = '%s'\nlisten_addresses = ''\n" "$STANDBY_SOCKET" >> "$STANDBY_DIR/postgresql.conf"
    runuser -u "$PG_USER" -- "$PG_BIN/pg_ctl" -D "$STANDBY_DIR" -l "$STANDBY_DIR/postgres.log" -w -t 60 start > /dev/null
    STANDBY_PID=$(head -1 "$STANDBY_DIR/postmaster.pid")
    export STANDBY_DIR STANDBY_SOCKET STANDBY_PID
}

pg_promote() {
    runuser -u "$PG_USER" -- "$PG_BIN/pg_ctl" -D "$STANDBY_DIR" -w -t 60 promote > /dev/null
}

pg_stop_standby() { pg_stop_pid "${STANDBY_PID:-}"; STANDBY_PID=; }

pg_enable_tls() {
    local dir="$1"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=wachter-test-ca -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout "$PG_DIR/server.key" -out "$dir/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost\n' > "$dir/san.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
        -extfile "$dir/san.ext" -out "$PG_DIR/server.crt" 2>/dev/null
    chown "$PG_USER" "$PG_DIR/server.key" "$PG_DIR/server.crt"
    chmod 600 "$PG_DIR/server.key"
    # TCP clients must use TLS from now on (hostssl); the socket stays as it was.
    sed -i 's/^host /hostssl /' "$PG_DIR/pg_hba.conf"
    pg_psql postgres -q -c "ALTER SYSTEM SET ssl = on" -c "SELECT pg_reload_conf()" >/dev/null
    sleep 0.5
}
