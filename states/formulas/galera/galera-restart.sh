#!/bin/sh
# Managed by jstate (formula galera): local edits are overwritten.
# Restarts this node's mariadbd for a new configuration (galera.service's rolling restart) without
# HAProxy sending it connections while it stops and starts:
#   1. refuses to drain the last server of the backend this host's HAProxy shows UP: it waits
#      --drain-within s for another one, then fails and changes nothing (a drain would leave
#      HAProxy no server and Keepalived's check would drop the VIP).
#   2. drain: creates clustercheck's maintenance file, so clustercheck answers 503 and every
#      HAProxy marks this server down (fall x inter) and moves its sessions to the next server.
#      A maintenance file that exists already (an operator's drain) is left as it is, and kept;
#      one this script made and could not remove (killed at the engine's timeout) is taken over.
#   3. waits until this host's HAProxy shows the server DOWN on its stats socket, plus one check
#      interval for the HAProxy of the other hosts (their checks are not in step with this one),
#      at most --drain-within s; a stats socket that does not answer is asked again until then;
#      without a local HAProxy or clustercheck it waits the whole bound.
#   4. restarts mariadb through the init system, bounded (the init script alone may block for
#      MYSQLD_STARTUP_TIMEOUT), and removes the maintenance file it created as soon as the restart
#      returns, whatever happened: clustercheck answers 503 until the node is Synced anyway.
#   5. waits until the node is Synced again (galera-status synced).
#   6. waits until this host's HAProxy shows the server UP again (plus one check interval for the
#      other hosts), so the next node of a rolling restart is not drained while this one is down.
# The whole run ends within --within s (which must stay under the engine's timeout of the state:
# a run killed there leaves its drain behind); it says what it waits for every 10 s of a wait.
#
#   galera-restart --init systemd|sysvinit --drain FILE --server ID --haproxy-socket PATH
#                  [--backend galera] [--drain-within 20] [--interval 2] [--within 580]
#   galera-restart owns FILE      exits 0 when FILE is a drain this script made
#   galera-restart undrain FILE   removes FILE when it is a drain this script made (a run killed
#                                 before it could); an operator's file is left alone
#
# The environment may point it elsewhere (tests): GALERA_RESTART_CMD replaces the init system's
# restart, GALERA_STATUS the galera-status script, CLUSTERCHECK the clustercheck script.
set -u
INIT="" DRAIN="" SERVER="" SOCKET="" BACKEND=galera DRAIN_WITHIN=20 INTERVAL=2 WITHIN=580
STATUS=${GALERA_STATUS:-/usr/local/sbin/galera-status}
CLUSTERCHECK=${CLUSTERCHECK:-/usr/local/bin/clustercheck}
MARK="drained by galera-restart for a configuration restart"

usage() {
    echo "galera-restart: $1" >&2
    echo "usage: galera-restart --init systemd|sysvinit --drain FILE --server ID --haproxy-socket PATH [--backend NAME] [--drain-within S] [--interval S] [--within S]" >&2
    echo "       galera-restart owns|undrain FILE" >&2
    exit 2
}

owns() {
    [ -f "$1" ] && [ "$(head -1 "$1" 2>/dev/null)" = "$MARK" ]
}

case ${1:-} in
owns | undrain)
    [ $# -eq 2 ] && [ -n "$2" ] || usage "$1 takes one argument, the maintenance file"
    if [ "$1" = owns ]; then owns "$2"; exit; fi
    if owns "$2"; then
        rm -f "$2" && echo "removed $2, left by a galera-restart that did not finish: HAProxy takes this server back once clustercheck answers 200"
    else
        echo "$2 is absent or not a drain of galera-restart: left as it is"
    fi
    exit ;;
esac

while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || usage "$1 needs a value"
    case $1 in
    --init) INIT=$2 ;;
    --drain) DRAIN=$2 ;;
    --server) SERVER=$2 ;;
    --haproxy-socket) SOCKET=$2 ;;
    --backend) BACKEND=$2 ;;
    --drain-within) DRAIN_WITHIN=$2 ;;
    --interval) INTERVAL=$2 ;;
    --within) WITHIN=$2 ;;
    *) usage "unknown option $1" ;;
    esac
    shift 2
done
case $INIT in systemd | sysvinit) ;; *) usage "--init must be systemd or sysvinit, not '$INIT'" ;; esac
[ -n "$DRAIN" ] || usage "--drain FILE is missing"
[ -n "$SERVER" ] || usage "--server ID is missing"
for n in "$DRAIN_WITHIN" "$INTERVAL" "$WITHIN"; do
    case $n in '' | *[!0-9]*) usage "a bound must be a number of seconds, not '$n'" ;; esac
done
# The drain takes at most 2 x --drain-within + --interval, the way back --drain-within + --interval;
# the restart and the Synced wait need the rest.
[ "$WITHIN" -gt $((3 * DRAIN_WITHIN + 2 * INTERVAL)) ] ||
    usage "--within $WITHIN leaves no time for the restart: it must be more than 3 x --drain-within + 2 x --interval = $((3 * DRAIN_WITHIN + 2 * INTERVAL))"
DEADLINE=$(($(date +%s) + WITHIN))
# What the way back may take: it is kept out of the restart's and the Synced wait's time.
BACK=$((DRAIN_WITHIN + INTERVAL))

# The local HAProxy's servers of $BACKEND, "server status" a line ("ctl1 UP", "ctl2 UP 1/3",
# "ctl3 DOWN"); nothing when there is no HAProxy to ask (no socket, no socat); fails when the
# HAProxy did not answer (socat failed or timed out, or an empty answer). "show stat" is CSV:
# proxy, server, ..., status in field 18.
backend_rows() {
    [ -n "$SOCKET" ] && [ -S "$SOCKET" ] && command -v socat >/dev/null 2>&1 || return 0
    csv=$(echo "show stat" | timeout 3 socat -t 2 stdio "UNIX-CONNECT:$SOCKET" 2>/dev/null) && [ -n "$csv" ] || return 1
    printf '%s\n' "$csv" | awk -F, -v b="$BACKEND" '$1 == b && $2 != "FRONTEND" && $2 != "BACKEND" { print $2, $18 }'
}

# Asks the local HAProxy once. Sets answered (yes/no), mine (this server's status, empty without
# a row), others (other servers of the backend), others_up (those fully UP) and seen (for messages).
ask() {
    answered=yes
    rows=$(backend_rows) || answered=no
    mine=$(printf '%s\n' "$rows" | awk -v s="$SERVER" '$1 == s { $1 = ""; sub(/^ /, ""); print; exit }')
    others=$(printf '%s\n' "$rows" | awk -v s="$SERVER" 'NF && $1 != s' | wc -l)
    others_up=$(printf '%s\n' "$rows" | awk -v s="$SERVER" '$1 != s && $2 == "UP" && NF == 2' | wc -l)
    if [ "$answered" = no ]; then
        seen="no answer from HAProxy's stats socket $SOCKET"
    elif [ -z "$mine" ]; then
        seen="no row for $BACKEND/$SERVER"
    else
        seen="'$mine'"
    fi
}
is_down() { ask; case $mine in DOWN* | MAINT*) return 0 ;; esac; return 1; }
is_up() { ask; [ "$mine" = UP ]; }
other_up() { ask; [ "$others_up" -gt 0 ]; }
synced() { "$STATUS" synced && return 0; seen="wsrep_local_state_comment $("$STATUS" get wsrep_local_state_comment)"; return 1; }
# A local HAProxy answered but has no row for this server: nothing here to watch.
no_local_view() { [ "$answered" = yes ] && [ -z "$mine" ]; }

# wait_for WHAT BOUND CHECK: runs CHECK every second until it succeeds, at most BOUND s of the
# clock; says what it waits for (and what CHECK saw) every 10 s. Sets waited; fails at the bound.
wait_for() {
    what=$1 bound=$2
    shift 2
    started=$(date +%s) said=0 waited=0
    until "$@"; do
        waited=$(($(date +%s) - started))
        [ "$waited" -lt "$bound" ] || return 1
        if [ $((waited - said)) -ge 10 ]; then
            echo "waiting for $what: $seen after $waited s (at most $bound s)"
            said=$waited
        fi
        sleep 1
    done
    waited=$(($(date +%s) - started))
}
# The seconds left before the deadline less RESERVE, at least 1: left RESERVE
left() {
    n=$((DEADLINE - $(date +%s) - $1))
    [ "$n" -ge 1 ] && echo "$n" || echo 1
}

created=""
undrain() {
    if [ -n "$created" ]; then
        created=""
        rm -f "$DRAIN" && echo "removed $DRAIN: HAProxy takes $SERVER back once clustercheck answers 200"
    fi
}
trap undrain EXIT
trap 'exit 1' INT TERM HUP

ask
if [ -e "$DRAIN" ] && ! owns "$DRAIN"; then
    echo "$DRAIN exists already (drained by an operator): left in place"
elif [ -x "$CLUSTERCHECK" ]; then
    if [ "$others" -gt 0 ] && [ "$others_up" -eq 0 ] && ! wait_for "another server of $BACKEND UP in the local HAProxy before draining $SERVER" "$DRAIN_WITHIN" other_up; then
        if [ "$answered" = yes ]; then
            echo "refusing to drain and restart $SERVER: the local HAProxy shows no other server of $BACKEND UP ($(printf '%s\n' "$rows" | paste -sd, -)), so a drain would leave it none; restart it once another server is UP, or drain it by hand (touch $DRAIN) to restart it anyway" >&2
            exit 1
        fi
        echo "$seen for $DRAIN_WITHIN s: draining without knowing whether another server of $BACKEND is UP"
    fi
    mkdir -p "$(dirname "$DRAIN")" && echo "$MARK" >"$DRAIN" || { echo "cannot create $DRAIN" >&2; exit 1; }
    created=yes
    echo "drain: created $DRAIN, clustercheck answers 503"
    if no_local_view; then
        echo "no local HAProxy view of $BACKEND/$SERVER: waiting $DRAIN_WITHIN s for the HAProxy of the other hosts"
        sleep "$DRAIN_WITHIN"
    elif wait_for "HAProxy to mark $BACKEND/$SERVER down" "$DRAIN_WITHIN" is_down; then
        echo "HAProxy marked $BACKEND/$SERVER down after $waited s; $INTERVAL s more for the other hosts' checks"
        sleep "$INTERVAL"
    else
        echo "HAProxy still shows $BACKEND/$SERVER as $seen after $DRAIN_WITHIN s; restarting anyway"
    fi
else
    echo "no clustercheck on this node: restarting without a drain"
fi

if [ -n "${GALERA_RESTART_CMD:-}" ]; then
    RESTART=$GALERA_RESTART_CMD
elif [ "$INIT" = systemd ]; then
    RESTART="systemctl restart mariadb"
else
    RESTART="/etc/init.d/mariadb restart"
fi
budget=$(left "$BACK")
echo "restarting mariadb ($RESTART), at most $budget s"
# Only the command is stopped at the bound, not what it started: a joining mariadbd goes on.
timeout --foreground -k 2 "$budget" sh -c "$RESTART" &
pid=$!
started=$(date +%s) said=0
while kill -0 "$pid" 2>/dev/null; do
    waited=$(($(date +%s) - started))
    if [ $((waited - said)) -ge 10 ]; then
        echo "waiting for the restart of mariadb ($RESTART) to return: $waited s (at most $budget s)"
        said=$waited
    fi
    sleep 1
done
wait "$pid"
rc=$?
# clustercheck answers 503 until the node is Synced: HAProxy takes it back no sooner without the file.
undrain
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "the restart of mariadb did not return within $budget s (stopped): the next run waits for Synced" >&2
    exit 1
elif [ "$rc" != 0 ]; then
    echo "the restart of mariadb failed (exit $rc)" >&2
    exit 1
fi

bound=$(left "$BACK")
if ! wait_for "Synced after the restart" "$bound" synced; then
    echo "not Synced $bound s after the restart ($seen)" >&2
    exit 1
fi
echo "Synced $waited s after the restart"

[ -n "$DRAIN" ] && [ ! -e "$DRAIN" ] && [ -x "$CLUSTERCHECK" ] || exit 0
ask
if no_local_view; then
    echo "no local HAProxy view of $BACKEND/$SERVER: waiting $DRAIN_WITHIN s for the HAProxy of the other hosts to take it back"
    sleep "$DRAIN_WITHIN"
elif wait_for "HAProxy to mark $BACKEND/$SERVER UP again" "$(left "$INTERVAL")" is_up; then
    echo "HAProxy marked $BACKEND/$SERVER UP after $waited s; $INTERVAL s more for the other hosts' checks"
    sleep "$INTERVAL"
else
    echo "HAProxy still shows $BACKEND/$SERVER as $seen after the restart: the next node must not be drained while it is down" >&2
    exit 1
fi
