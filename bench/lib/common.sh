# Sourced by the benchmark scripts: building, free loopback ports, a master in a temp folder, RSS,
# medians, and stopping (by PID) every process a script started, also when it fails.

bench_repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
bench_pids=()
bench_work=

# Builds the modules whose jars are missing.
bench_build() {
  if ! ls "$bench_repo"/minion/target/jstate-minion-*.jar "$bench_repo"/bench/target/jstate-bench-*.jar \
      "$bench_repo"/master/cli/target/jstate-cli-*.jar "$bench_repo"/master/server/target/quarkus-app/quarkus-run.jar >/dev/null 2>&1; then
    (cd "$bench_repo" && ./mvnw -q -o -DskipTests package -pl proto,states,minion,master/server,master/cli,bench -am) >&2
  fi
}

bench_classpath() {
  echo "$bench_repo/bench/target/jstate-bench-0.1.0-SNAPSHOT.jar:$bench_repo/minion/target/jstate-minion-0.1.0-SNAPSHOT.jar:$bench_repo/minion/target/lib/*"
}

# Stops the processes the script started, newest first, by PID: TERM, then KILL after 10 s.
bench_cleanup() {
  local i pid
  for ((i = ${#bench_pids[@]} - 1; i >= 0; i--)); do
    pid=${bench_pids[i]}
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ -n "$bench_work" && -z "${BENCH_KEEP:-}" ]]; then rm -rf -- "$bench_work"; fi
}

bench_start() {
  bench_work=$(mktemp -d "/tmp/jstate-$1.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

# N free TCP ports on 127.0.0.1.
bench_ports() {
  python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# Runs a command in the background, bounded by `timeout`, and records its PID.
# bench_spawn LOG SECONDS CMD...; sets bench_last_pid.
bench_spawn() {
  local log=$1 secs=$2
  shift 2
  timeout --signal=TERM --kill-after=10 "$secs" "$@" > "$log" 2>&1 &
  bench_last_pid=$!
  bench_pids+=("$bench_last_pid")
}

# The PID of the java process below a `timeout` wrapper (the launchers exec java).
bench_java_pid() {
  local p
  for _ in $(seq 1 50); do
    p=$(pgrep -P "$1" | head -1)
    [[ -n "$p" ]] && { echo "$p"; return 0; }
    sleep 0.1
  done
  return 1
}

# Starts a master over a fresh data dir in $bench_work/master and waits until its admin API answers.
# bench_master STATES_DIR PILLAR_DIR|"" TOKEN; sets master_pid, gateway_port, and exports
# JSTATE_MASTER and JSTATE_PKI for the CLI; the dashboard listens on 127.0.0.1:$web_port.
bench_master() {
  local states=$1 pillar=$2 token=$3 ports
  read -r gateway_port admin_port web_port <<< "$(bench_ports 3)"
  mkdir -p "$bench_work/master"
  {
    echo "data_dir: data"
    echo "gateway: {listen: \"127.0.0.1:$gateway_port\"}"
    echo "admin: {listen: \"127.0.0.1:$admin_port\"}"
    # A free port of its own: a benchmark's master must not collide with a dashboard on the default one.
    echo "web: {listen: \"127.0.0.1:$web_port\"}"
    echo "states: $states"
    [[ -n "$pillar" ]] && echo "pillar: $pillar"
    echo "enrollment: {token: \"$token\", rate_per_minute: 1000000}"
    echo "jobs: {default_timeout_seconds: 60}"
  } > "$bench_work/master/master.yaml"
  bench_spawn "$bench_work/master/master.log" "${BENCH_MAX_SECONDS:-1800}" \
    "$bench_repo/packaging/bin/jstate-master" --config "$bench_work/master/master.yaml"
  master_pid=$(bench_java_pid "$bench_last_pid") || { echo "the master did not start" >&2; cat "$bench_work/master/master.log" >&2; exit 1; }
  export JSTATE_MASTER="https://127.0.0.1:$admin_port" JSTATE_PKI="$bench_work/master/data/pki"
  for _ in $(seq 1 600); do
    if [[ -s "$JSTATE_PKI/admin.key" ]] && "$bench_repo/packaging/bin/jstate" minions >/dev/null 2>&1; then return 0; fi
    kill -0 "$master_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "the master did not come up:" >&2
  tail -30 "$bench_work/master/master.log" >&2
  exit 1
}

# Prints one value of the JSON document on stdin (a `jstate ... --json` listing), found by its keys
# and list indexes: bench_json jobs 0 jid.
bench_json() {
  python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1:]:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$@"
}

# Polls `jstate minions --json` until N minions are connected (at most SECONDS).
bench_wait_connected() {
  local n=$1 secs=$2 connected=
  for _ in $(seq 1 $((secs * 2))); do
    connected=$("$bench_repo/packaging/bin/jstate" minions --json 2>/dev/null | bench_json summary connected 2>/dev/null || true)
    [[ "$connected" == "$n" ]] && return 0
    sleep 0.5
  done
  echo "not all $n minions connected within $secs s (last: ${connected:-no answer} connected)" >&2
  return 1
}

# VmRSS and VmHWM of a process in MB.
bench_rss() { awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$1/status"; }
bench_hwm() { awk '/^VmHWM/ {print int($2 / 1024)}' "/proc/$1/status"; }

bench_median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

bench_ms() { echo $(( $(date +%s%N) / 1000000 )); }
