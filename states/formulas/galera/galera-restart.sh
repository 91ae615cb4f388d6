#!/bin/sh
# Managed by jstate (formula galera): local edits are overwritten.
# Restarts this node's mariadbd for a new configuration (galera.service's rolling restart) without
# HAProxy sending it connections while it stops and starts:
#   1. drain: creates clustercheck's maintenance file, so clustercheck answers 503 and every
#      HAProxy marks this server down (fall x inter) and moves its sessions to the next server.
#      A maintenance file that exists already (an operator's drain) is left as it is, and kept;
#      one this script made and could not remove (killed at the engine's timeout) is taken over.
#   2. waits until this host's HAProxy shows the server DOWN on its stats socket, plus one check
#      interval for the HAProxy of the other hosts (their checks are not in step with this one),
#      at most --drain-within s; without a local HAProxy or clustercheck it waits the whole bound.
#   3. restarts mariadb through the init system.
#   4. waits until the node is Synced again (galera-status synced), at most --synced-within s.
#   5. removes the maintenance file it created, whatever happened, so HAProxy takes it back.
# It says what it waits for, every 10 s of a wait at most.
#
#   galera-restart --init systemd|sysvinit --drain FILE --server ID --haproxy-socket PATH
#                  [--backend galera] [--drain-within 20] [--interval 2] [--synced-within 600]
#
# The environment may point it elsewhere (tests): GALERA_RESTART_CMD replaces the init system's
# restart, GALERA_STATUS the galera-status script, CLUSTERCHECK the clustercheck script.
set -u
INIT="" DRAIN="" SERVER="" SOCKET="" BACKEND=galera DRAIN_WITHIN=20 INTERVAL=2 SYNCED_WITHIN=600
STATUS=${GALERA_STATUS:-/usr/local/sbin/galera-status}
CLUSTERCHECK=${CLUSTERCHECK:-/usr/local/bin/clustercheck}

usage() {
    echo "galera-restart: $1" >&2
    echo "usage: galera-restart --init systemd|sysvinit --drain FILE --server ID --haproxy-socket PATH [--backend NAME] [--drain-within S] [--interval S] [--synced-within S]" >&2
    exit 2
}

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
    --synced-within) SYNCED_WITHIN=$2 ;;
    *) usage "unknown option $1" ;;
    esac
    shift 2
done
case $INIT in systemd | sysvinit) ;; *) usage "--init must be systemd or sysvinit, not '$INIT'" ;; esac
[ -n "$DRAIN" ] || usage "--drain FILE is missing"
[ -n "$SERVER" ] || usage "--server ID is missing"
for n in "$DRAIN_WITHIN" "$INTERVAL" "$SYNCED_WITHIN"; do
    case $n in '' | *[!0-9]*) usage "a bound must be a number of seconds, not '$n'" ;; esac
done

# This server's status in the local HAProxy ("UP", "UP 1/3", "DOWN", "MAINT", ...), empty when
# there is no HAProxy to ask. "show stat" is CSV: proxy, server, ..., status in field 18.
haproxy_status() {
    [ -n "$SOCKET" ] && [ -S "$SOCKET" ] && command -v socat >/dev/null 2>&1 || return 0
    echo "show stat" | timeout 3 socat -t 2 stdio "UNIX-CONNECT:$SOCKET" 2>/dev/null \
        | awk -F, -v b="$BACKEND" -v s="$SERVER" '$1 == b && $2 == s { print $18; exit }'
}

MARK="drained by galera-restart for a configuration restart"
created=""
undrain() {
    if [ -n "$created" ]; then
        rm -f "$DRAIN" && echo "removed $DRAIN: HAProxy takes $SERVER back once clustercheck answers 200"
    fi
}
trap undrain EXIT
trap 'exit 1' INT TERM HUP

if [ -e "$DRAIN" ] && [ "$(head -1 "$DRAIN" 2>/dev/null)" != "$MARK" ]; then
    echo "$DRAIN exists already (drained by an operator): left in place"
elif [ -x "$CLUSTERCHECK" ] && mkdir -p "$(dirname "$DRAIN")" && echo "$MARK" >"$DRAIN"; then
    created=yes
    echo "drain: created $DRAIN, clustercheck answers 503"
    waited=0
    said=0
    status=$(haproxy_status)
    if [ -z "$status" ]; then
        echo "no local HAProxy view of $BACKEND/$SERVER: waiting $DRAIN_WITHIN s for the HAProxy of the other hosts"
        sleep "$DRAIN_WITHIN"
    else
        while :; do
            case $status in DOWN* | MAINT* | "") break ;; esac
            if [ "$waited" -ge "$DRAIN_WITHIN" ]; then
                echo "HAProxy still shows $BACKEND/$SERVER '$status' after $waited s; restarting anyway"
                break
            fi
            if [ $((waited - said)) -ge 10 ]; then
                echo "waiting for HAProxy to mark $BACKEND/$SERVER down: '$status' after $waited s"
                said=$waited
            fi
            sleep 1
            waited=$((waited + 1))
            status=$(haproxy_status)
        done
        case $status in
        DOWN* | MAINT* | "")
            echo "HAProxy marked $BACKEND/$SERVER down after $waited s; $INTERVAL s more for the other hosts' checks"
            sleep "$INTERVAL" ;;
        esac
    fi
else
    echo "no clustercheck on this node: restarting without a drain"
fi

echo "restarting mariadb"
if [ -n "${GALERA_RESTART_CMD:-}" ]; then
    sh -c "$GALERA_RESTART_CMD"
elif [ "$INIT" = systemd ]; then
    systemctl restart mariadb
else
    /etc/init.d/mariadb restart
fi || { echo "the restart of mariadb failed" >&2; exit 1; }

waited=0
said=0
until "$STATUS" synced; do
    if [ "$waited" -ge "$SYNCED_WITHIN" ]; then
        echo "not Synced $SYNCED_WITHIN s after the restart (wsrep_local_state_comment: $("$STATUS" get wsrep_local_state_comment))" >&2
        exit 1
    fi
    if [ $((waited - said)) -ge 10 ]; then
        echo "waiting for Synced after the restart: $("$STATUS" get wsrep_local_state_comment) after $waited s"
        said=$waited
    fi
    sleep 1
    waited=$((waited + 1))
done
echo "Synced $waited s after the restart"
