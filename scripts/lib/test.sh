# The one check harness of the shell tests (scripts/integration/*, scripts/test-*),
# sourced, not run, with `work` set to the test's temporary directory. Each check prints
# "ok   NAME" or "not ok NAME" (with the last lines of the command's output, indented),
# the whole output of every command goes to $work/check.log, and `finish` ends the test
# with the line "N passed, N failed", which scripts/test adds up.

passed=0
failed=0
pids=()

ok() { # ok NAME: a check that passed, judged by the caller
    passed=$((passed + 1))
    echo "ok   $1"
}

not_ok() { # not_ok NAME [DETAIL]: a check that failed, judged by the caller
    failed=$((failed + 1))
    echo "not ok $1${2:+ ($2)}"
}

run_quietly() { # run_quietly COMMAND...: runs it with its output kept for show_output and appended to check.log
    # One file per shell: in_parallel (scripts/lib/servers.sh) runs checks at once in
    # subshells. The name is expanded here: a redirection's word is expanded in the
    # forked child, where $BASHPID is the child's.
    local status=0 output="$work/check.$BASHPID.out"
    "$@" >"$output" 2>&1 || status=$?
    cat "$output" >>"$work/check.log"
    return "$status"
}

show_output() { # the last lines of the last command's output, indented
    local output="$work/check.$BASHPID.out"
    tail -n 5 "$output" | sed 's/^/     /'
}

check() { # check NAME COMMAND...: the command must succeed
    local name="$1"; shift
    if run_quietly "$@"; then ok "$name"; else not_ok "$name"; show_output; fi
}

refute() { # refute NAME COMMAND...: the command must fail
    local name="$1"; shift
    if run_quietly "$@"; then not_ok "$name" succeeded; show_output; else ok "$name"; fi
}

expect() { # expect NAME STATUS COMMAND...: the command must exit with STATUS; its output stays in $work/out and $work/err
    local name="$1" status="$2" actual=0; shift 2
    "$@" >"$work/out" 2>"$work/err" || actual=$?
    if [[ "$actual" == "$status" ]]; then ok "$name"; return; fi
    not_ok "$name" "exit $actual, expected $status"
    sed 's/^/     stdout: /' "$work/out"
    sed 's/^/     stderr: /' "$work/err"
}

ensure_packages() { # ensure_packages PKG...: installs what is missing (needs root and apt)
    local missing=()
    for package in "$@"; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
    if ((${#missing[@]})); then
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

wachter_binary() { # the built wachter, building it when WACHTER is not given
    if [[ -n "${WACHTER:-}" ]]; then echo "$WACHTER"; return; fi
    (cd "$root" && swift build -c "${CONFIGURATION:-debug}" --product wachter >&2)
    echo "$(cd "$root" && swift build -c "${CONFIGURATION:-debug}" --show-bin-path)/wachter"
}

start_agent() { # start_agent SOCKET [serve options...]: starts the agent in the background
    local socket="$1"; shift
    "$wachter" serve --store "$store" --socket "$socket" --group "${AGENT_GROUP:-wachter-test-none}" -v "$@" >>"$work/agent.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 100); do [[ -S "$socket" ]] && return 0; sleep 0.1; done
    echo "the agent did not start; its log:" >&2
    cat "$work/agent.log" >&2
    return 1
}

stop_all() { # stops what this test started, by PID
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
}

# On PostgreSQL the key file of personal data has no store file to sit beside: keep it in
# the test's directory, never /etc/wachter/key.
[[ "${WACHTER_TEST_BACKEND:-sqlite}" == postgres && -n "${work:-}" ]] && export WACHTER_KEY_FILE="$work/wachter.key"

test_store() { # test_store SQLITE_PATH: the store this run tests: the SQLite path, or with
    # WACHTER_TEST_BACKEND=postgres a new database on the server scripts/test started
    # (scripts/lib/postgres.sh exports PG_SOCKET, PG_PORT and PG_PASSFILE), as a URL
    if [[ "${WACHTER_TEST_BACKEND:-sqlite}" != postgres ]]; then echo "$1"; return; fi
    local name
    name="t_$(date +%s%N)_$RANDOM"
    PGPASSFILE="$PG_PASSFILE" createdb -h "$PG_SOCKET" -p "$PG_PORT" -U wachter "$name" >&2
    echo "postgresql://wachter@/$name?host=$PG_SOCKET&port=$PG_PORT&passfile=$PG_PASSFILE"
}

canary_absent() { # canary_absent PASSWORD FILE...: the password is in none of the files
    # (nor, on the PostgreSQL backend, in the server's data files)
    local password="$1"; shift
    local files=("$@")
    [[ "${WACHTER_TEST_BACKEND:-sqlite}" == postgres ]] && files+=("$PG_DIR")
    ! grep -rqaF -- "$password" "${files[@]}"
}

finish() {
    stop_all
    echo "$passed passed, $failed failed"
    [[ "${KEEP:-}" == 1 ]] && echo "kept $work" || rm -rf "$work"
    ((failed == 0))
}
