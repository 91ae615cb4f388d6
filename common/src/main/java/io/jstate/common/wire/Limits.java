package io.jstate.common.wire;

/** Sizes the master and the minion must agree on, so the master never sends what a minion would drop. */
public final class Limits {
    private Limits() {}

    /** The largest gRPC message a minion takes from its master: a job envelope with its bundle is the biggest. */
    public static final int MINION_MAX_INBOUND_BYTES = 64 * 1024 * 1024;

    /**
     * Room kept in that limit for what wraps a job's body: the envelope's signature and the fields set
     * at dispatch (jid, target, times, nonce) with their protobuf tags.
     */
    public static final int ENVELOPE_ALLOWANCE_BYTES = 4096;

    /** The largest job body (the serialized job less the envelope) the master sends. */
    public static final int MAX_JOB_BODY_BYTES = MINION_MAX_INBOUND_BYTES - ENVELOPE_ALLOWANCE_BYTES;
}
