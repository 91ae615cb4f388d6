package io.jstate.states.engine;

/** Told of each step as it starts and ends, for live progress and streaming results. */
public interface RunListener {
    RunListener NONE = new RunListener() {};

    default void started(Step step) {}

    default void finished(StateResult result) {}

    /**
     * A step is waiting: for another attempt ({@code retry}) or for its check to pass after apply
     * ({@link State#settle}). Told at the first pause and then at least every ten seconds of a
     * wait, so no wait is silent; {@code what} says what is awaited, in an operator's words, with
     * the run's secrets already masked.
     */
    default void waiting(Step step, String what) {}
}
