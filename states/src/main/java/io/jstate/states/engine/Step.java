package io.jstate.states.engine;

import java.time.Duration;
import java.util.List;

/**
 * One state of a compiled plan: ready to run, its spec already bound and validated.
 *
 * @param index      position in {@link Plan#steps()} (the run order)
 * @param id         the SLS id
 * @param kind       the state kind ("pkg.installed")
 * @param spec       the bound spec record
 * @param at         where it was declared
 * @param requisites edges to steps that come earlier in the plan
 */
public record Step(int index, String id, String kind, Record spec, Source at, List<Edge> requisites, Options options) {

    public Step {
        requisites = List.copyOf(requisites);
        options = options == null ? Options.DEFAULT : options;
    }

    /** A requisite resolved to the step it points at. */
    public record Edge(Requisite type, int target) {}

    /**
     * Engine-owned options of a state.
     *
     * @param failhard stop the whole run if this state fails
     * @param retry    null for no retries
     * @param timeout  null for the engine's default
     */
    public record Options(boolean failhard, Retry retry, Duration timeout) {
        public static final Options DEFAULT = new Options(false, null, null);
    }

    /**
     * {@code retry: {attempts: 5, interval: 10, until: true}}: run again up to {@code attempts}
     * times in all, waiting {@code interval} between tries, while the state fails. The same shape
     * says how a kind settles ({@link State#settle}): check up to {@code attempts} times in all,
     * {@code interval} apart, until in sync.
     */
    public record Retry(int attempts, Duration interval) {
        public Retry {
            if (attempts < 1) throw new IllegalArgumentException("retry attempts must be at least 1");
            interval = interval == null ? Duration.ofSeconds(30) : interval;
        }
    }

    /** The name argument if the spec has one, else the id: what an operator calls this state. */
    public String name() {
        try {
            var m = spec.getClass().getDeclaredMethod("name");
            m.setAccessible(true);
            Object n = m.invoke(spec);
            return n == null ? id : String.valueOf(n);
        } catch (ReflectiveOperationException e) {
            return id;
        }
    }

    @Override
    public String toString() {
        return kind + " " + id + " (" + at + ")";
    }
}
