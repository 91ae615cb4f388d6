package io.jstate.it;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layout of the HA backend the fault matrix ({@link FaultMatrix}) runs on, which the runner
 * asks: which orchestration deploys and repairs it, whether RabbitMQ is part of it (the AMQP
 * workload), how packaging/lab/verify checks it, its cases, and what its cluster manager did
 * during a case. {@code openstack-ha}: jstate's orchestration does every recovery (Keepalived for
 * the VIP). {@code pacemaker}: corosync + Pacemaker run Galera (promotable galera agent), haproxy
 * and the VIP; Pacemaker recovers and jstate's {@code orchestrate pacemaker-ha} follows; only the
 * Galera cases run (there is no RabbitMQ, memcached or Keepalived in that layout).
 */
enum MatrixLayout {
    OPENSTACK_HA("openstack-ha", "openstack-ha", true, List.of()),
    PACEMAKER("pacemaker", "pacemaker-ha", false, List.of("--layout", "pacemaker"));

    /** The system property that picks the layout: {@code openstack-ha} (default) or {@code pacemaker}. */
    static final String PROPERTY = "jstate.matrix.layout";

    private final String id;
    private final String orchestration;
    private final boolean rabbitmq;
    private final List<String> verifyArgs;

    MatrixLayout(String id, String orchestration, boolean rabbitmq, List<String> verifyArgs) {
        this.id = id;
        this.orchestration = orchestration;
        this.rabbitmq = rabbitmq;
        this.verifyArgs = verifyArgs;
    }

    /** The layout {@code value} names; a clear error naming the known ones otherwise. */
    static MatrixLayout of(String value) {
        for (MatrixLayout l : values()) if (l.id.equals(value)) return l;
        List<String> known = new ArrayList<>();
        for (MatrixLayout l : values()) known.add(l.id);
        throw new IllegalArgumentException(PROPERTY + "=" + value + " is not a layout of the fault matrix; known: " + String.join(", ", known));
    }

    /** The layout of {@value #PROPERTY}, default {@code openstack-ha}. */
    static MatrixLayout fromProperty() {
        return of(System.getProperty(PROPERTY, OPENSTACK_HA.id));
    }

    String id() {
        return id;
    }

    /** The orchestration that deploys the layout and runs after each fault. */
    String orchestration() {
        return orchestration;
    }

    /** Whether the layout runs RabbitMQ (the AMQP workload and its invariant apply). */
    boolean rabbitmq() {
        return rabbitmq;
    }

    /** Why the AMQP columns do not apply, or null when they do. */
    String noAmqp() {
        return rabbitmq ? null : "n/a: no RabbitMQ in " + orchestration;
    }

    /** packaging/lab/verify's arguments for this layout. */
    String[] verifyArgs() {
        return verifyArgs.toArray(String[]::new);
    }

    /** The cases this layout runs, in order. */
    List<FaultMatrix.FaultCase> cases() {
        return this == PACEMAKER ? MatrixPacemakerCases.CASES : FaultMatrix.CASES;
    }

    /** The cases this layout does not run, with the reason the table prints (name, reason). */
    Map<String, String> skipped() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (this == PACEMAKER) for (String name : MatrixPacemakerCases.skippedInOrder()) out.put(name, MatrixPacemakerCases.SKIPPED.get(name));
        return out;
    }

    /** Where the cluster manager's log of each controller ends now (lines), to read what it did from there; empty for openstack-ha. */
    Map<String, Long> mark(Lab lab) {
        Map<String, Long> at = new TreeMap<>();
        if (this != PACEMAKER) return at;
        for (String h : Lab.CONTROLLERS) {
            try {
                Procs.Ran r = lab.on(h, "wc -l < " + PACEMAKER_LOG + " 2>/dev/null || echo 0");
                at.put(h, Long.parseLong(r.out().trim()));
            } catch (Exception | AssertionError e) {
                at.put(h, 0L);
            }
        }
        return at;
    }

    /**
     * What the cluster manager did since {@code mark}, in one line (null for openstack-ha, where
     * jstate's orchestration is the only actor): Pacemaker's scheduled actions, the results of its
     * operations other than successful monitors, and what the galera agent said about its election
     * (bootstrap node, positions), from every controller's pacemaker.log; all of them go to
     * {@code full} when it is not null.
     */
    String whatItDid(Lab lab, Map<String, Long> mark, List<String> full) {
        if (this != PACEMAKER) return null;
        List<String> lines = new ArrayList<>();
        for (String h : Lab.CONTROLLERS) {
            long from = mark.getOrDefault(h, 0L) + 1;
            try {
                Procs.Ran r = lab.on(h, "tail -n +" + from + " " + PACEMAKER_LOG + " 2>/dev/null | grep -E '" + PACEMAKER_INTERESTING + "' | tail -n 400");
                for (String l : r.out().split("\n")) if (!l.isBlank()) lines.add(h + ": " + l.trim());
            } catch (Exception | AssertionError e) {
                lines.add(h + ": pacemaker.log unreadable: " + e.getMessage());
            }
        }
        if (full != null) full.addAll(lines);
        return summarize(lines);
    }

    static final String PACEMAKER_LOG = "/var/log/pacemaker/pacemaker.log";
    /** The lines of pacemaker.log that say what Pacemaker and the galera agent did. */
    static final String PACEMAKER_INTERESTING = "Result of |Actions: |galera\\(galera\\)|Quorum (lost|acquired)|Node [^ ]+ state is now lost";

    private static final Pattern RESULT = Pattern.compile("Result of (\\w+) operation for (\\S+) on (\\S+): ([^|]*?)\\s*(?:\\||$)");
    private static final Pattern ACTION = Pattern.compile("Actions: (\\w+)\\s+(\\S+)\\s+\\(\\s*(.*?)\\s*\\)(.*)$");
    private static final Pattern AGENT = Pattern.compile("galera\\(galera\\)\\[\\d+\\]:\\s*(?:\\S+\\s+)?(?:INFO|ERROR|WARNING|notice|info|error|warning):\\s*(.*)$");
    private static final Pattern QUORUM = Pattern.compile("(Quorum (?:lost|acquired))");
    private static final Pattern NODE_LOST = Pattern.compile("Node (\\S+) state is now lost");

    /**
     * One line of what happened, in order, each distinct fact once: {@code quorum lost (ctl3)},
     * {@code scheduled Recover galera:1 (Promoted ctl2)}, {@code ctl2 galera monitor: not running},
     * {@code ctl2 galera start: ok}, {@code agent on ctl1: Node <ctl1> is marked as bootstrap ...}.
     * Successful monitors and the agent's routine lines are left out.
     */
    /** A "HOST: LINE" of pacemaker.log's sort key: its time stamp ("Dec 07 12:33:41.383"; the agent's lines have no milliseconds). */
    static String when(String hostLine) {
        String l = hostLine.substring(hostLine.indexOf(": ") + 2);
        if (l.length() < 15) return l;
        return l.substring(0, 15) + (l.length() >= 19 && l.charAt(15) == '.' ? l.substring(15, 19) : ".000");
    }

    static String summarize(List<String> lines) {
        Set<String> facts = new LinkedHashSet<>();
        List<String> ordered = new ArrayList<>(lines);
        ordered.sort(java.util.Comparator.comparing(MatrixLayout::when));
        for (String full : ordered) {
            int colon = full.indexOf(": ");
            String host = colon > 0 ? full.substring(0, colon) : "?";
            String l = full.substring(colon + 2);
            Matcher m = RESULT.matcher(l);
            if (m.find()) {
                String op = m.group(1);
                String result = m.group(4).trim();
                boolean ok = result.equalsIgnoreCase("ok") || result.startsWith("ok ") || result.equals("promoted") || result.equals("Promoted");
                if ((op.equals("monitor") || op.equals("probe")) && (ok || result.equals("Cancelled"))) continue;
                if (op.equals("probe") && result.equals("not running")) continue;
                if (op.equals("notify")) continue;
                facts.add(m.group(3) + " " + m.group(2) + " " + op + ": " + result);
                continue;
            }
            m = ACTION.matcher(l);
            if (m.find()) {
                String rsc = m.group(2).replaceAll(":\\d+$", "");
                String why = m.group(4).replaceAll("\\s+", " ").trim();
                facts.add("scheduled " + m.group(1) + " " + rsc + " (" + m.group(3).replaceAll("\\s+", " ") + ")" + (why.isEmpty() ? "" : " " + why));
                continue;
            }
            m = AGENT.matcher(l);
            if (m.find()) {
                String said = m.group(1).trim().replaceAll("\\s+", " ");
                String low = said.toLowerCase(Locale.ROOT);
                if (low.startsWith("attempting")) continue;
                if (low.contains("bootstrap") || low.contains("version found") || low.contains("seqno") || low.contains("grastate.dat is")
                        || low.contains("error") || low.contains("fail") || low.contains("unable") || low.contains("cannot")) {
                    facts.add("agent on " + host + ": " + said);
                }
                continue;
            }
            m = QUORUM.matcher(l);
            if (m.find()) {
                facts.add(m.group(1).toLowerCase(Locale.ROOT) + " on " + host);
                continue;
            }
            m = NODE_LOST.matcher(l);
            if (m.find()) facts.add(host + " lost " + m.group(1));
        }
        if (facts.isEmpty()) return "nothing (no action, no failed operation in pacemaker.log)";
        String all = String.join("; ", facts);
        return all.length() > 1500 ? all.substring(0, 1500) + "... (" + facts.size() + " facts, all in the case's pacemaker-actions.log)" : all;
    }
}
