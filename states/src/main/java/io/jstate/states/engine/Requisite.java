package io.jstate.states.engine;

/** The kinds of requisite. Every one of them also orders the target before the dependent state. */
public enum Requisite {
    /** Run only if the target succeeded. */
    REQUIRE,
    /** As require, and react (restart, reload, rerun) when the target changed. */
    WATCH,
    /** Run only if at least one target changed. */
    ONCHANGES,
    /** Run only if at least one target failed. */
    ONFAIL;

    public String sls() {
        return name().toLowerCase();
    }
}
