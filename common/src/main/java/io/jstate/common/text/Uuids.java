package io.jstate.common.text;

import java.util.regex.Pattern;

/** The textual form of a UUID as Galera writes it (grastate.dat, wsrep_cluster_state_uuid). */
public final class Uuids {
    private static final Pattern FORM = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

    private Uuids() {}

    /**
     * Whether {@code s} is a whole UUID of 8-4-4-4-12 hex digits. A torn grastate.dat (a crash while
     * Galera wrote it) holds one cut short, then NUL bytes; {@code java.util.UUID.fromString} would
     * take shortened groups too.
     */
    public static boolean wellFormed(String s) {
        return s != null && FORM.matcher(s).matches();
    }
}
