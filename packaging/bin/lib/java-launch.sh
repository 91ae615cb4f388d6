# Sourced by the launchers in packaging/bin: runs a module's main class from a source checkout,
# building the module on first use.
#
# Start-up time matters (a no-op apply should take well under a second, the CLI's round trip to the
# master too), so the JVM runs with the client compiler and the serial collector, and with an
# application class-data archive recorded on a first run and reused afterwards. JAVA_OPTS adds or
# overrides JVM options.
#
# The launcher sets, then calls java_launch:
#   launch_name      the command's name, for messages
#   launch_module    the Maven module's folder in the repository, e.g. minion or master/cli
#   launch_artifact  the module's artifact id, e.g. jstate-minion
#   launch_main      the main class
#   launch_opts      (optional array) JVM options of this command, before JAVA_OPTS
#
#   java_launch ARCHIVE RECORD ARGS...
#     ARCHIVE  the archive's file name in the module's target folder ("" to run without one)
#     RECORD   "record" to record ARCHIVE during this run when it does not exist yet

launch_repo=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/../../.." && pwd)

launch_find_jar() {
    local j
    for j in "$1"/"$launch_artifact"-*.jar; do
        case "$j" in *-sources.jar | *-javadoc.jar | *-tests.jar) continue ;; esac
        if [[ -f "$j" ]]; then
            printf '%s\n' "$j"
            return 0
        fi
    done
    return 1
}

java_launch() {
    local archive=$1 record=$2
    shift 2
    local target="$launch_repo/$launch_module/target" jar
    if ! jar=$(launch_find_jar "$target"); then
        echo "$launch_name: building $launch_repo (first run)" >&2
        # Maven's output goes to stderr so that JSON output stays one clean document.
        (cd "$launch_repo" && ./mvnw -q -DskipTests -pl "$launch_module" -am package) >&2
        jar=$(launch_find_jar "$target") || {
            echo "$launch_name: the build left no $target/$launch_artifact-*.jar" >&2
            exit 1
        }
    fi

    local java=java
    [[ -n "${JAVA_HOME:-}" ]] && java="$JAVA_HOME/bin/java"
    local cp="$jar:$target/lib/*"
    # The JVM's own warnings go to stderr, never into the command's output; archive problems are
    # not worth a word, since the JVM simply runs without the archive.
    local opts=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -XX:-UsePerfData
                -Xlog:disable -Xlog:all=warning:stderr -Xlog:cds*=off:stderr)
    local extra
    # shellcheck disable=SC2206 # JAVA_OPTS is a list of options, split on spaces by design.
    extra=("${launch_opts[@]+"${launch_opts[@]}"}" ${JAVA_OPTS:-})

    if [[ -z "$archive" ]]; then
        exec "$java" "${opts[@]}" "${extra[@]}" -cp "$cp" "$launch_main" "$@"
    fi
    local jsa="$target/$archive"
    # An archive records classes of one build; after a rebuild it is stale and made again.
    if [[ -f "$jsa" ]] && { [[ "$jar" -nt "$jsa" ]] || [[ -n $(find "$target/lib" -newer "$jsa" -print -quit 2>/dev/null) ]]; }; then
        rm -f -- "$jsa"
    fi
    if [[ -f "$jsa" ]]; then
        exec "$java" "${opts[@]}" -XX:SharedArchiveFile="$jsa" "${extra[@]}" -cp "$cp" "$launch_main" "$@"
    fi
    if [[ "$record" != record ]]; then
        exec "$java" "${opts[@]}" "${extra[@]}" -cp "$cp" "$launch_main" "$@"
    fi

    # Record the classes this run loads into a private file and move it into place only once
    # complete, so a concurrent run never maps a half-written archive. A run that could not start
    # (exit 1) loaded too little to be worth keeping.
    local tmp="$jsa.$$.tmp" rc=0
    "$java" "${opts[@]}" -XX:ArchiveClassesAtExit="$tmp" "${extra[@]}" -cp "$cp" "$launch_main" "$@" || rc=$?
    if [[ "$rc" != 1 && -s "$tmp" ]]; then
        mv -f -- "$tmp" "$jsa" 2>/dev/null || rm -f -- "$tmp"
    else
        rm -f -- "$tmp"
    fi
    exit "$rc"
}
