package io.jstate.states.engine;

/**
 * One kind of state ("pkg.installed"). An instance is made per run by the registry, with the
 * {@link Env} (and so the Host) injected by constructor.
 *
 * <p>The engine alone owns dry run, retries, waiting, timeouts, exception capture, logging and
 * redaction: {@link #check} observes once, {@link #apply} changes once, and the engine calls
 * {@code check} again after {@code apply} to prove the drift is gone (unless {@link #recheck} says
 * the state cannot be re-observed, as for a command). A kind never loops or sleeps: it declares
 * the waiting it needs ({@link #settle}, {@link #retry}) and the engine does it.
 *
 * @param <S> the spec record, bound from SLS arguments by {@link SpecBinder}; the registry holds its type
 */
public interface State<S extends Record> {

    /** Observes; never mutates (the engine gives it a read-only host). */
    Drift check(S spec) throws Exception;

    /** Makes the changes {@code check} found. Returns details worth reporting (may be {@link Applied#NONE}). */
    Applied apply(S spec, Drift drift) throws Exception;

    /** Whether the engine should check again after apply and fail if drift remains. */
    default boolean recheck() {
        return true;
    }

    /**
     * For a kind whose apply takes effect a while after it returns (a daemon that writes its pid
     * file after its init script exits; a port that opens): the engine checks again up to
     * {@code attempts} times, {@code interval} apart, before it calls drift left after apply (or
     * after a reaction) a failure. Null, the default: one check.
     */
    default Step.Retry settle(S spec) {
        return null;
    }

    /**
     * The retry a kind needs when the SLS gives none (a cluster join while the seed node starts):
     * the engine runs the whole state again, check and apply, while it fails. An SLS
     * {@code retry} replaces it. Null, the default: no retry.
     */
    default Step.Retry retry(S spec) {
        return null;
    }
}
