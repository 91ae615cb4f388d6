package io.jstate.states.engine;

/**
 * A state that reacts when something it watches changed (a service restarts or reloads after
 * its config file changed; a command runs). The engine calls {@link #react} after the normal
 * check/apply, only when a watched state changed and not during a dry run.
 */
public interface Watchable<S extends Record> extends State<S> {

    /**
     * @param changedNow whether this state itself just changed in this run (a service that was
     *                   just started need not be restarted again)
     * @return what was done, as changes to report; empty when nothing was needed
     */
    java.util.List<Change> react(S spec, boolean changedNow) throws Exception;

    /**
     * What {@link #react} would do, for a dry run; must not mutate. The default is the engine's
     * own answer for a reaction that only repeats check and apply unless the state just changed
     * (a command): whatever that would change, the dry run already shows from check, so the
     * reaction adds nothing. A kind whose reaction is an action of its own (a service's restart)
     * says what it would be.
     */
    default java.util.List<Change> wouldReact(S spec) {
        return java.util.List.of();
    }
}
