package io.jstate.states.engine;

/**
 * One kind of state ("pkg.installed"). An instance is made per run by the registry, with the
 * {@link Env} (and so the Host) injected by constructor.
 *
 * <p>The engine alone owns dry run, retries, timeouts, exception capture, logging and
 * redaction: {@link #check} observes, {@link #apply} changes, and the engine calls {@code check}
 * again after {@code apply} to prove the drift is gone (unless {@link #recheck} says the state
 * cannot be re-observed, as for a command).
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
}
