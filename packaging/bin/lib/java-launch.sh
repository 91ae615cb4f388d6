# Sourced by the launchers in packaging/bin: runs a module's main class from a source checkout,
# building the module on first use.
#
# Start-up time matters (a no-op apply should take well under a second, the CLI's round trip to the
# master too), so the JVM runs with the client compiler and the serial collector, and with an
# application class-data archive recorded on a first run and reused afterwards. JAVA_OPTS adds or
# overrides JVM options.
#
# The runtime is JSTATE_JAVA (a java binary or a JDK folder) when set, else, for a command that
# sets launch_jdk25=yes, a Temurin 25 in its usual place when installed, else JAVA_HOME's or the
# PATH's java. (Only the CLI opts in: the minion daemon measured larger on 25, about 120 MB idle
# against 107 MB on 17, even with compact headers and an AOT cache.) On JDK 25 and later the archive
# is an AOT cache (JEP 483/515: classes loaded and linked, and method profiles, of a training run),
# which starts faster than JDK 17's archive, and objects have compact headers (smaller heaps);
# on older runtimes the launcher records a JDK 17 application class-data archive as before.
#
# The launcher sets, then calls java_launch:
#   launch_name      the command's name, for messages
#   launch_module    the Maven module's folder in the repository, e.g. minion or master/cli
#   launch_artifact  the module's artifact id, e.g. jstate-minion
#   launch_main      the main class
#   launch_opts      (optional array) JVM options of this command, before JAVA_OPTS
#   launch_jdk25     (optional) "yes" to prefer an installed Temurin 25 (see below)
#
#   java_launch ARCHIVE RECORD ARGS...
#     ARCHIVE  the archive's file name in the module's target folder ("" to run without one)
#     RECORD   "record" to record ARCHIVE during this run when it does not exist yet

# shellcheck source=jvm-options
source "${BASH_SOURCE[0]%/*}/jvm-options"

# Every command pays for what runs before java starts, so the launcher sticks to shell builtins
# where it can: it starts no program but java (readlink only for a symlink).

# The real path of a file: itself unless it is a symlink.
launch_real() {
    if [[ -L "$1" ]]; then readlink -f -- "$1"; else printf '%s\n' "$1"; fi
}

launch_repo=$(launch_real "${BASH_SOURCE[0]}")
launch_repo=$(cd -- "${launch_repo%/*}/../../.." && pwd)

# Sets launch_jar to the module's jar in folder $1; fails when there is none.
launch_find_jar() {
    local j
    for j in "$1"/"$launch_artifact"-*.jar; do
        case "$j" in *-sources.jar | *-javadoc.jar | *-tests.jar) continue ;; esac
        if [[ -f "$j" ]]; then
            launch_jar=$j
            return 0
        fi
    done
    return 1
}

# Sets launch_java_bin to the java binary to run: see the header.
launch_java() {
    local j=${JSTATE_JAVA:-}
    if [[ -n "$j" ]]; then
        [[ -d "$j" ]] && j="$j/bin/java"
    elif [[ "${launch_jdk25:-}" == yes && -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
        j=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
    elif [[ -n "${JAVA_HOME:-}" ]]; then
        j="$JAVA_HOME/bin/java"
    else
        j=java
    fi
    launch_java_bin=$j
}

# Sets launch_feature to the feature release (17, 25, ...) of java binary $1 from its JDK's release
# file, without starting a JVM; 0 when unknown, which keeps JDK 17's behaviour.
launch_java_feature() {
    local bin line release
    launch_feature=0
    bin=$(type -P -- "$1") || return 0
    bin=$(launch_real "$bin")
    release=${bin%/*}
    release="${release%/*}/release"
    [[ -r "$release" ]] || return 0
    while IFS= read -r line || [[ -n "$line" ]]; do
        if [[ "$line" =~ ^JAVA_VERSION=\"([0-9]+) ]]; then
            launch_feature=${BASH_REMATCH[1]}
            return 0
        fi
    done < "$release"
}

java_launch() {
    local archive=$1 record=$2
    shift 2
    local target="$launch_repo/$launch_module/target" jar
    if launch_find_jar "$target"; then
        jar=$launch_jar
    else
        echo "$launch_name: building $launch_repo (first run)" >&2
        # Maven's output goes to stderr so that JSON output stays one clean document.
        (cd "$launch_repo" && ./mvnw -q -DskipTests -pl "$launch_module" -am package) >&2
        launch_find_jar "$target" || {
            echo "$launch_name: the build left no $target/$launch_artifact-*.jar" >&2
            exit 1
        }
        jar=$launch_jar
    fi

    local java feature
    launch_java
    java=$launch_java_bin
    launch_java_feature "$java"
    feature=$launch_feature
    local cp="$jar:$target/lib/*"
    local opts
    read -ra opts <<<"$jvm_client_opts"
    local aot=
    if ((feature < 25)); then
        opts+=(-Xshare:auto)
    else
        # A cache is only used by a JVM with the same object layout, so every run on this runtime
        # has compact headers, whether it records or uses the cache. (Sharing is on by default;
        # recording refuses an explicit -Xshare.)
        opts+=(-Xlog:aot*=off:stderr -XX:+UseCompactObjectHeaders)
        # What the JVM itself prints (a recording run's "AOTConfiguration recorded: ..." line)
        # goes to stderr: stdout is the command's, and --json must parse on a first run too.
        opts+=(-XX:+DisplayVMOutputToStderr)
        # Protobuf and Netty use sun.misc.Unsafe, which JDK 24 and later warn about on stderr.
        opts+=(--sun-misc-unsafe-memory-access=allow)
        aot=yes
        [[ -n "$archive" ]] && archive="${archive%.jsa}.aot"
    fi
    local extra
    # shellcheck disable=SC2206 # JAVA_OPTS is a list of options, split on spaces by design.
    extra=("${launch_opts[@]+"${launch_opts[@]}"}" ${JAVA_OPTS:-})

    if [[ -z "$archive" ]]; then
        exec "$java" "${opts[@]}" "${extra[@]}" -cp "$cp" "$launch_main" "$@"
    fi
    local jsa="$target/$archive"
    # An archive records classes of one build; after a rebuild it is stale and made again.
    if [[ -f "$jsa" ]]; then
        local f stale=
        [[ "$jar" -nt "$jsa" ]] && stale=yes
        for f in "$target"/lib/*; do
            [[ -n "$stale" ]] && break
            [[ "$f" -nt "$jsa" ]] && stale=yes
        done
        [[ -n "$stale" ]] && rm -f -- "$jsa"
    fi
    if [[ -f "$jsa" ]]; then
        if [[ -n "$aot" ]]; then
            exec "$java" "${opts[@]}" -XX:AOTCache="$jsa" "${extra[@]}" -cp "$cp" "$launch_main" "$@"
        fi
        exec "$java" "${opts[@]}" -XX:SharedArchiveFile="$jsa" "${extra[@]}" -cp "$cp" "$launch_main" "$@"
    fi
    if [[ "$record" != record ]]; then
        exec "$java" "${opts[@]}" "${extra[@]}" -cp "$cp" "$launch_main" "$@"
    fi

    # Record the classes this run loads into a private file and move it into place only once
    # complete, so a concurrent run never maps a half-written archive. A run that could not start
    # (exit 1) loaded too little to be worth keeping.
    local tmp="$jsa.$$.tmp" rc=0
    if [[ -n "$aot" ]]; then
        # JDK 25 records the run's configuration, then a second JVM assembles the cache from it.
        # Both steps are explicit (not the one-step AOTCacheOutput) because the one-step way
        # prints its progress on stdout, into the command's output.
        "$java" "${opts[@]}" -XX:AOTMode=record -XX:AOTConfiguration="$tmp.conf" "${extra[@]}" \
            -cp "$cp" "$launch_main" "$@" || rc=$?
        if [[ "$rc" != 1 && -s "$tmp.conf" ]]; then
            "$java" "${opts[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$tmp.conf" -XX:AOTCache="$tmp" \
                "${extra[@]}" -cp "$cp" >/dev/null 2>&1 || rm -f -- "$tmp"
        fi
        rm -f -- "$tmp.conf"
    else
        "$java" "${opts[@]}" -XX:ArchiveClassesAtExit="$tmp" "${extra[@]}" -cp "$cp" "$launch_main" "$@" || rc=$?
    fi
    if [[ "$rc" != 1 && -s "$tmp" ]]; then
        mv -f -- "$tmp" "$jsa" 2>/dev/null || rm -f -- "$tmp"
    else
        rm -f -- "$tmp"
    fi
    exit "$rc"
}
