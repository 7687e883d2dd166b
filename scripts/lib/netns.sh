# Network namespaces as hosts for the tests that need several servers on one machine
# (scripts/integration/hosts): each namespace is joined to the machine by one veth pair
# with its own /30, loopback up inside, and no other route: traffic goes only between
# the machine's side of a pair and its namespace. Sourced after scripts/lib/test.sh.
#
#   netns_require                  fails (exit 1, a sentence on stderr) when `ip netns`
#                                  cannot make a namespace here
#   netns_add NAME HOST_ADDR NS_ADDR
#                                  the namespace NAME and the pair NAMEh (machine side,
#                                  HOST_ADDR/30) and NAMEn (inside, NS_ADDR/30), both up
#   netns_exec NAME COMMAND...     runs COMMAND inside NAME (ip netns exec: it execs, so
#                                  `netns_exec ... &` would not give the command's PID;
#                                  write `ip netns exec NAME COMMAND &` for that)
#   netns_cleanup                  for every namespace made here: kills by PID what still
#                                  runs inside (only this test started anything there),
#                                  deletes the namespace and the machine side of its pair
#
# Interface names are at most 15 characters: keep NAME to 13 or fewer.

netns_names=()

netns_require() {
    if ! command -v ip >/dev/null 2>&1; then
        echo "netns: the ip command (iproute2) is missing; scripts/bootstrap installs it" >&2
        return 1
    fi
    local probe="whprobe$$"
    if ! ip netns add "$probe" 2>"${work:-/tmp}/netns-probe.err"; then
        echo "netns: cannot make a network namespace here (ip netns add: $(cat "${work:-/tmp}/netns-probe.err")); this test needs root and CAP_SYS_ADMIN" >&2
        return 1
    fi
    ip netns del "$probe"
}

netns_add() {
    local name="$1" host_addr="$2" ns_addr="$3"
    ip netns add "$name"
    netns_names+=("$name")
    ip link add "${name}h" type veth peer name "${name}n"
    ip link set "${name}n" netns "$name"
    ip addr add "$host_addr/30" dev "${name}h"
    ip link set "${name}h" up
    ip netns exec "$name" ip addr add "$ns_addr/30" dev "${name}n"
    ip netns exec "$name" ip link set "${name}n" up
    ip netns exec "$name" ip link set lo up
}

netns_exec() {
    local name="$1"; shift
    ip netns exec "$name" "$@"
}

netns_cleanup() {
    local name pid
    for name in "${netns_names[@]}"; do
        # Whatever this test left running inside (a stray doveadm, an agent a failed
        # check did not stop): by PID, TERM then KILL.
        for pid in $(ip netns pids "$name" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
        for _ in $(seq 1 30); do [[ -z "$(ip netns pids "$name" 2>/dev/null)" ]] && break; sleep 0.1; done
        for pid in $(ip netns pids "$name" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
        ip netns del "$name" 2>/dev/null || true
        # Deleting the namespace deletes its end of the pair and with it the pair; this
        # is for a namespace whose end never got moved in.
        ip link del "${name}h" 2>/dev/null || true
    done
    netns_names=()
}
