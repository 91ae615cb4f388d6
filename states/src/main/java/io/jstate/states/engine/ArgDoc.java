package io.jstate.states.engine;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What one SLS argument of a state kind means, on the spec record's component that receives it.
 * Type, default and whether it is required are computed from the record by the reference
 * generator, so this text says only what the code cannot.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface ArgDoc {

    /** The argument's meaning, as a sentence fragment in Markdown. */
    String value();
}
