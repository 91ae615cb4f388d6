package io.jstate.states.engine;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The reference text of a state kind, on its spec record. It lives beside the record, rather than
 * in a hand-written page, so the state reference (docs/states.md) is generated from the code and a
 * test fails when the two disagree. Defaults and whether an argument is required are not written
 * here: the generator computes them by binding {@link #example} without each argument.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface StateDoc {

    /** One or two sentences: what holds once the state is applied. */
    String summary();

    /**
     * A complete SLS document that uses the kind; its first state of the kind is the one the
     * reference documents. It must compile on its own (requisites name states of the example).
     */
    String example();
}
