#!/bin/bash
# Managed by jstate (formula clustercheck): local edits are overwritten.
# Answers one HTTP request on stdin/stdout (socat fork, or a systemd socket with Accept=yes):
# 200 when this Galera node may take traffic, 503 otherwise, so HAProxy sends clients only to
# Synced nodes. The account comes from a root-only options file, never from argv.
#   clustercheck [CONFIG]   CONFIG (default /etc/default/clustercheck) may set DEFAULTS_FILE,
#                           MAINTENANCE_FILE, AVAILABLE_WHEN_DONOR (1: a donor still serves), TIMEOUT.
CONFIG=${1:-/etc/default/clustercheck}
DEFAULTS_FILE=/etc/mysql/clustercheck.cnf
MAINTENANCE_FILE=/var/lib/clustercheck/maintenance
AVAILABLE_WHEN_DONOR=0
TIMEOUT=2
if [ -r "$CONFIG" ]; then . "$CONFIG"; fi

# The request is read up to its blank line: closing with unread data would reset the connection.
while IFS= read -r -t 2 line; do
    line=${line%$'\r'}
    [ -z "$line" ] && break
done

answer() {
    local body="$2"$'\r\n'
    printf 'HTTP/1.1 %s\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s' \
        "$1" "${#body}" "$body"
    exit 0
}

if [ -e "$MAINTENANCE_FILE" ]; then
    answer "503 Service Unavailable" "Galera node is in maintenance ($MAINTENANCE_FILE exists)."
fi

# wsrep_local_state: 4 Synced, 2 Donor/Desynced; anything else cannot serve.
state=$(timeout "$TIMEOUT" mariadb --defaults-extra-file="$DEFAULTS_FILE" --connect-timeout="$TIMEOUT" \
    --batch --skip-column-names -e "SHOW GLOBAL STATUS LIKE 'wsrep_local_state'" 2>/dev/null | cut -f2)

case "$state" in
    4) answer "200 OK" "Galera node is synced." ;;
    2) if [ "$AVAILABLE_WHEN_DONOR" = 1 ]; then
           answer "200 OK" "Galera node is a donor and available when donor."
       fi
       answer "503 Service Unavailable" "Galera node is a donor." ;;
    "") answer "503 Service Unavailable" "Galera node state cannot be read." ;;
    *) answer "503 Service Unavailable" "Galera node is not synced (wsrep_local_state $state)." ;;
esac
