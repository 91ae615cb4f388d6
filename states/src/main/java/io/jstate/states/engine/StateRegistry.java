package io.jstate.states.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * State kinds by SLS name, as the engine finds them. Which kinds exist is not the engine's
 * business: {@code io.jstate.states.kinds.Kinds} registers every kind jstate ships.
 */
public final class StateRegistry {

    /** A registered kind: its name, spec type and how to make one for a run. */
    public record Kind(String name, Class<? extends Record> specType, Function<Env, State<?>> factory) {}

    private final Map<String, Kind> kinds;

    private StateRegistry(Map<String, Kind> kinds) {
        this.kinds = Collections.unmodifiableMap(new LinkedHashMap<>(kinds));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<Kind> find(String name) {
        return Optional.ofNullable(kinds.get(name));
    }

    public Set<String> names() {
        return kinds.keySet();
    }

    public Map<String, Kind> kinds() {
        return kinds;
    }

    public static final class Builder {
        private final Map<String, Kind> kinds = new LinkedHashMap<>();

        public <S extends Record> Builder register(String name, Class<S> specType, Function<Env, ? extends State<S>> factory) {
            if (!name.matches("[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*")) {
                throw new IllegalArgumentException("state kind names are family.function: " + name);
            }
            if (kinds.putIfAbsent(name, new Kind(name, specType, factory::apply)) != null) {
                throw new IllegalArgumentException("state kind registered twice: " + name);
            }
            return this;
        }

        public StateRegistry build() {
            return new StateRegistry(kinds);
        }
    }
}
