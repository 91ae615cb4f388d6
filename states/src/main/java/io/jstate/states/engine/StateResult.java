package io.jstate.states.engine;

import java.time.Duration;
import java.time.Instant;

/** One step's result, with secrets already redacted. */
public record StateResult(Step step, Outcome outcome, Instant started, Duration duration) {}
