package io.jstate.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * What a command reads from and writes to besides the master: given by {@link Main} for the real
 * process and by tests for a captured one.
 *
 * @param out    results
 * @param err    errors and hints
 * @param env    the environment (JSTATE_MASTER, JSTATE_PKI)
 * @param clock  the wall clock and the zone times are shown in
 * @param color  whether to use ANSI colours
 * @param margin how much longer than the job timeout the CLI waits for a job's stream before giving up
 * @param process whether this is the real process, which then reports the jid when interrupted
 */
record Context(PrintStream out, PrintStream err, Map<String, String> env, Clock clock, boolean color,
               Duration margin, boolean process) {
    static final Duration MARGIN = Duration.ofSeconds(30);
}
