package io.jstate.states.engine;

/** Told of each step as it starts and ends, for live progress and streaming results. */
public interface RunListener {
    RunListener NONE = new RunListener() {};

    default void started(Step step) {}

    default void finished(StateResult result) {}
}
