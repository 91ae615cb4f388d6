package io.jstate.states.lang;

import io.jstate.states.engine.Requisite;
import io.jstate.states.engine.Source;
import io.jstate.states.engine.Step;
import java.util.List;
import java.util.Map;

/**
 * One state as an SLS file declares it, before its spec is bound and its place in the run is known.
 *
 * @param doc      the file it is in
 * @param line     the line of its id
 * @param id       the state id
 * @param kind     "family.function"
 * @param kindLine the line of the kind
 * @param args     the arguments for the spec, engine options and requisites taken out
 * @param argLines the line of each argument, for errors about it
 * @param reqs     its requisites as written
 * @param order    its {@code order}
 * @param options  failhard, retry and timeout
 */
record Decl(Doc doc, int line, String id, String kind, int kindLine, Map<String, Object> args,
            Map<String, Integer> argLines, List<Req> reqs, Order order, Step.Options options) {

    String family() {
        return kind.substring(0, kind.indexOf('.'));
    }

    /** The name argument as written, which requisites may refer to instead of the id. */
    String name() {
        Object n = args.get("name");
        return n == null ? null : String.valueOf(n);
    }

    Source at() {
        return doc.at(line);
    }

    /** Where its kind is written: several kinds can share one id line. */
    Source kindAt() {
        return doc.at(kindLine);
    }

    String label() {
        return family() + " " + id + " (" + at() + ")";
    }

    // A declaration is one place in one file: identity, not the (large) argument values, tells two apart.
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return kind + " " + id + " (" + at() + ")";
    }

    /**
     * A requisite as written: {@code {family: ref}}, {@code {sls: name}} (family "sls") or a bare
     * id (family null). {@code in} marks the {@code _in} forms, which point the other way.
     */
    record Req(Requisite type, boolean in, String family, String ref, int line) {
        String keyword() {
            return type.sls() + (in ? "_in" : "");
        }

        String text() {
            return family == null ? ref : "{" + family + ": " + ref + "}";
        }
    }

    /**
     * Where {@code order} puts a state: {@code first}, then numbers ascending, then states without
     * an order, then {@code last}; definition order breaks ties.
     */
    record Order(int group, long number) implements Comparable<Order> {
        static final Order NONE = new Order(2, 0);
        static final Order FIRST = new Order(0, 0);
        static final Order LAST = new Order(3, 0);

        static Order number(long n) {
            return new Order(1, n);
        }

        @Override
        public int compareTo(Order o) {
            return group != o.group ? Integer.compare(group, o.group) : Long.compare(number, o.number);
        }
    }
}
