#!/bin/sh
# Managed by jstate (formula galera): local edits are overwritten.
# What the galera states ask a node, in one place:
#   galera-status get VARIABLE   the value of a wsrep status variable
#   galera-status running        exit 0 when mariadbd answers on its socket
#   galera-status synced         exit 0 when Synced in a Primary component and ready
#   galera-status healthy SIZE   synced, connected, and the cluster has SIZE members
#   galera-status new-cluster    exit 0 when the running mariadbd was started with --wsrep-new-cluster
#   galera-status config-current exit 0 when the running server was (re)started with today's 60-galera.cnf
#   galera-status record-config  remember 60-galera.cnf as the configuration the server runs with
# The environment may point it elsewhere (tests): GALERA_CLIENT_OPTS, GALERA_PIDFILE, GALERA_CNF, GALERA_STAMP.
set -u
CLIENT_OPTS=${GALERA_CLIENT_OPTS:-}
PIDFILE=${GALERA_PIDFILE:-/run/mysqld/mysqld.pid}
CNF=${GALERA_CNF:-/etc/mysql/mariadb.conf.d/60-galera.cnf}
STAMP=${GALERA_STAMP:-/var/lib/jstate-galera/60-galera.cnf.sha256}

get() {
    # SHOW STATUS answers in a non-Primary component too, so every state can be read.
    echo "SHOW GLOBAL STATUS LIKE '$1';" | mariadb $CLIENT_OPTS --connect-timeout=5 --batch --skip-column-names 2>/dev/null | cut -f2
}

synced() {
    [ "$(get wsrep_local_state_comment)" = Synced ] && [ "$(get wsrep_cluster_status)" = Primary ] \
        && [ "$(get wsrep_ready)" = ON ]
}

checksum() {
    sha256sum "$CNF" | cut -d' ' -f1
}

case "${1:-}" in
    get) get "$2" ;;
    running) mariadb-admin $CLIENT_OPTS --connect-timeout=5 ping >/dev/null 2>&1 ;;
    synced) synced ;;
    healthy) synced && [ "$(get wsrep_connected)" = ON ] && [ "$(get wsrep_cluster_size)" = "$2" ] ;;
    new-cluster)
        pid=$(cat "$PIDFILE" 2>/dev/null) || exit 1
        [ -n "$pid" ] && tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qx -- --wsrep-new-cluster ;;
    config-current) [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(checksum)" ] ;;
    record-config) mkdir -p "$(dirname "$STAMP")" && checksum >"$STAMP" ;;
    *) echo "usage: galera-status get VAR|running|synced|healthy SIZE|new-cluster|config-current|record-config" >&2; exit 2 ;;
esac
