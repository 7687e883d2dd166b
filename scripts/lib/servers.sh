# The shared harness of the login tests (scripts/integration/ssh, ftp, imap) and
# scripts/bench/logins: real servers on loopback ports, configured in the test's
# temporary directory, started as children and stopped by PID (test.sh's `pids` and
# `stop_all`). Sourced after scripts/lib/test.sh, with `work`, `root` and `wachter` set.
#
# cwrap does the rest: pam_wrapper (LD_PRELOAD libpam_wrapper.so, PAM_WRAPPER=1,
# PAM_WRAPPER_SERVICE_DIR) makes a server read its PAM service files from the temporary
# directory instead of /etc/pam.d, and nss_wrapper (libnss_wrapper.so, NSS_WRAPPER_PASSWD,
# NSS_WRAPPER_GROUP) answers its user lookups from files there, so no system user is
# added and nothing under /etc changes.

free_port() { # a TCP port on 127.0.0.1 that nobody listens on now
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() { # wait_port PORT [SECONDS]: waits until something accepts on 127.0.0.1:PORT
    local port="$1" tries=$((${2:-20} * 10))
    for _ in $(seq 1 "$tries"); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on 127.0.0.1:$port" >&2
    return 1
}

wait_pidfile() { # wait_pidfile FILE: prints the PID in FILE once it is there
    for _ in $(seq 1 100); do [[ -s "$1" ]] && { cat "$1"; return 0; }; sleep 0.1; done
    echo "no PID file $1" >&2
    return 1
}

# nss_files DIR LINE...: DIR/passwd and DIR/group for nss_wrapper: the system's own
# entries (the servers' users: sshd, dovecot, dovenull, nobody) plus each passwd LINE,
# "name:x:uid:gid:gecos:home:shell", with a group of the same number for each.
nss_files() {
    local dir="$1"; shift
    cp /etc/passwd "$dir/passwd"
    cp /etc/group "$dir/group"
    local line
    for line in "$@"; do
        echo "$line" >>"$dir/passwd"
        IFS=: read -r name _ _ gid _ <<<"$line"
        grep -q "^[^:]*:[^:]*:$gid:" "$dir/group" || echo "$name:x:$gid:" >>"$dir/group"
    done
    chmod 0644 "$dir/passwd" "$dir/group"
}

# wrapped_env DIR: the environment that loads pam_wrapper and nss_wrapper with the PAM
# service files in DIR/pam.d and the users in DIR/passwd and DIR/group, as NAME=VALUE
# words for `env`.
wrapped_env() {
    local dir="$1"
    echo "LD_PRELOAD=libpam_wrapper.so:libnss_wrapper.so PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$dir/pam.d NSS_WRAPPER_PASSWD=$dir/passwd NSS_WRAPPER_GROUP=$dir/group"
}

# pam_service DIR NAME [MODULE_ARGS]: DIR/pam.d/NAME sending every PAM stage to
# pam_wachter.so ($module) and the agent on $work/agent.sock.
pam_service() {
    local dir="$1" name="$2" args="${3:-}"
    mkdir -p "$dir/pam.d"
    local stage
    for stage in auth account password session; do
        echo "$stage required $module socket=$work/agent.sock timeout=15000 $args"
    done >"$dir/pam.d/$name"
}

# start_sshd DIR PORT: sshd on 127.0.0.1:PORT with its own host key, configuration and
# PID file in DIR, UsePAM and keyboard-interactive only, under pam_wrapper and
# nss_wrapper from DIR (DIR/pam.d/sshd must exist). sshd must run as root to use PAM and
# switch to the user, and needs its privilege-separation directory /run/sshd (empty; made
# when missing, as the openssh-server package does at boot). Prints nothing; adds the PID.
start_sshd() {
    local dir="$1" port="$2"
    mkdir -p /run/sshd
    [[ -f "$dir/host_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -f "$dir/host_ed25519"
    cat >"$dir/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519
PidFile $dir/sshd.pid
UsePAM yes
KbdInteractiveAuthentication yes
PasswordAuthentication no
PubkeyAuthentication no
PermitRootLogin no
UseDNS no
StrictModes no
PrintMotd no
PrintLastLog no
AllowTcpForwarding no
X11Forwarding no
Subsystem sftp internal-sftp
LogLevel VERBOSE
MaxAuthTries 3
CONF
    # shellcheck disable=SC2046
    env $(wrapped_env "$dir") /usr/sbin/sshd -D -e -f "$dir/sshd_config" 2>>"$dir/sshd.log" &
    pids+=($!)
    wait_port "$port"
}

# ssh_options PORT: the client's options for the loopback sshd (no known_hosts file,
# keyboard-interactive only, no configuration from ~/.ssh). LogLevel INFO, because the
# client shows a keyboard-interactive request's instruction (where sshd puts PAM's error
# messages, such as the policy's reason for refusing a new password) only at that level.
ssh_options() {
    echo "-F /dev/null -p $1 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=INFO" \
         "-o PreferredAuthentications=keyboard-interactive -o NumberOfPasswordPrompts=1 -o ConnectTimeout=30"
}

# dialogue: runs a command on a pseudo-terminal and answers its prompts (scripts/lib/dialogue.py;
# the answers come from standard input, never from arguments).
dialogue() { python3 "$root/scripts/lib/dialogue.py" "$@"; }

# start_dovecot CONF: Dovecot 2.3 with the configuration CONF (whose base_dir holds
# master.pid), run in the foreground as a child; adds the PID.
start_dovecot() {
    local conf="$1"
    shift
    env "$@" dovecot -F -c "$conf" &
    pids+=($!)
}

# proftpd_conf FILE PORT AUTH...: a ProFTPD configuration for 127.0.0.1:PORT with its PID,
# scoreboard and log beside FILE, no DNS lookups (PAM_RHOST is then the
# address), and the AUTH lines (AuthOrder and the module's settings) appended.
proftpd_conf() {
    local file="$1" port="$2"
    shift 2
    local base="${file%.conf}"
    {
        cat <<CONF
ServerType standalone
DefaultServer on
Port $port
DefaultAddress 127.0.0.1
UseIPv6 off
User nobody
Group nogroup
PidFile $base.pid
ScoreboardFile $base.scoreboard
DelayTable none
WtmpLog off
TransferLog none
SystemLog $base.log
UseReverseDNS off
RequireValidShell off
CONF
        printf '%s\n' "$@"
    } >"$file"
}

# start_proftpd CONF [ENV...]: ProFTPD in the foreground (-n) with CONF; adds the PID.
start_proftpd() {
    local conf="$1"
    shift
    env "$@" proftpd -n -q -c "$conf" >>"$work/proftpd.out" 2>&1 &
    pids+=($!)
}

# start_pureftpd PORT [ENV...] -- ARGS...: pure-ftpd (unpacked by
# scripts/install-export-test-deps) on 127.0.0.1:PORT in the foreground, no anonymous
# logins, no reverse DNS (-H); adds the PID. (Its PAM_RHOST is always the server's own
# host name: log_pam.c sets it from gethostname(3), not from the client.)
start_pureftpd() {
    local port="$1"
    shift
    local environment=()
    while [[ $# -gt 0 && "$1" != -- ]]; do environment+=("$1"); shift; done
    shift
    env "${environment[@]}" /var/cache/wachter-test/pure-ftpd/usr/sbin/pure-ftpd \
        -S "127.0.0.1,$port" -4 -E -H -c 10 -C 10 "$@" \
        >>"$work/pure-ftpd.out" 2>&1 &
    pids+=($!)
}

# dovecot_conf DIR IMAP_PORT POP3_PORT passwd-file FILE | pam: DIR/dovecot.conf for
# Dovecot 2.3 with imap and pop3 on 127.0.0.1 (plain text logins, no TLS), its runtime
# files and log in DIR, mail in Maildirs as uid and gid 65534 under $work/vmail, and the
# auth cache on (an hour, as Dovecot's documentation suggests). passwd-file reads the
# export FILE for passdb and userdb; pam asks PAM's service "dovecot" in the auth worker
# (which runs as root), with pam_wrapper's environment passed through import_environment.
dovecot_conf() {
    local dir="$1" imap="$2" pop3="$3" route="$4" file="${5:-}"
    mkdir -p "$dir/run" "$dir/state"
    local auth
    if [[ "$route" == passwd-file ]]; then
        auth="passdb {
  driver = passwd-file
  args = $file
}
userdb {
  driver = passwd-file
  args = $file
}"
    else
        auth="import_environment = TZ LD_PRELOAD PAM_WRAPPER PAM_WRAPPER_SERVICE_DIR
passdb {
  driver = pam
  args = failure_show_msg=yes cache_key=%u%r dovecot
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=$work/vmail/%d/%n
}"
    fi
    cat >"$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
auth_cache_size = 1M
auth_cache_ttl = 1 hour
auth_cache_negative_ttl = 0
auth_debug = yes
mail_location = maildir:~/Maildir
# Dovecot's auth penalty (auth-penalty.c: up to 15 s after failures from one address)
# is off when the auth process cannot reach anvil's penalty socket: the tests fail on
# purpose from 127.0.0.1 again and again, and the agent does its own lockout.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $pop3
  }
  inet_listener pop3s {
    port = 0
  }
}
$auth
CONF
}

# ftp_login PORT USER [SOURCE] (stdin: the password): a real client's login and listing of
# the home directory (scripts/lib/ftpclient.py), from the local address SOURCE when given:
# prints "in: NAMES" or "refused: ..."; exit 0 when in.
ftp_login() { python3 "$root/scripts/lib/ftpclient.py" "$@"; }

# mail_login imap|pop3 PORT USER (stdin: the password): a real client's login
# (scripts/lib/mailclient.py): prints "in: ..." or "refused: ..."; exit 0 when in.
mail_login() { python3 "$root/scripts/lib/mailclient.py" "$@"; }

# in_parallel NAME... -- FUNCTION: runs FUNCTION NAME for every NAME at once (say, one per
# server, where a server sleeps after each failed login, as pure-ftpd does), then prints
# their ok/not ok lines in order and adds their counts to test.sh's.
in_parallel() {
    local names=() name
    while [[ "$1" != -- ]]; do names+=("$1"); shift; done
    local function="$2" waiting=()
    for name in "${names[@]}"; do
        (passed=0; failed=0; "$function" "$name" >"$work/parallel.$name.out"; echo "$passed $failed" >"$work/parallel.$name.count") &
        waiting+=($!)
    done
    wait "${waiting[@]}" || true
    for name in "${names[@]}"; do
        cat "$work/parallel.$name.out"
        local p=0 f=1
        read -r p f <"$work/parallel.$name.count" || true
        passed=$((passed + p)); failed=$((failed + f))
    done
}
