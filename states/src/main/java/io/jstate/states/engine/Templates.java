package io.jstate.states.engine;

import java.util.Map;

/** Files of the state tree a state may read or render (file.managed's {@code source}). */
public interface Templates {

    /**
     * Renders a Mustache template strictly with the run's context (grains, pillar, minion, peers)
     * plus {@code extra}; a missing variable throws an error naming the template, line and variable.
     */
    String render(String source, Map<String, Object> extra);

    /** The file's bytes, unrendered. */
    byte[] raw(String source);

    /** Whether the source names a file of the state tree. */
    boolean exists(String source);

    /** The run's values tagged {@code !secret}, for a state that decides whether content may be shown. */
    Secrets secrets();

    /**
     * Whether rendering {@code source} with {@code extra} reads a value tagged {@code !secret},
     * whether or not the value reaches the output (rendering it now if it was not yet).
     */
    boolean readsSecret(String source, Map<String, Object> extra);

    Templates NONE = new Templates() {
        @Override
        public String render(String source, Map<String, Object> extra) {
            throw new IllegalStateException("no state tree in this run: cannot render " + source);
        }

        @Override
        public byte[] raw(String source) {
            throw new IllegalStateException("no state tree in this run: cannot read " + source);
        }

        @Override
        public boolean exists(String source) {
            return false;
        }

        @Override
        public Secrets secrets() {
            return Secrets.NONE;
        }

        @Override
        public boolean readsSecret(String source, Map<String, Object> extra) {
            return false;
        }
    };
}
