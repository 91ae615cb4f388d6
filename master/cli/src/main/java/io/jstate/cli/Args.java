package io.jstate.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line, parsed: which command ({@code apply}, {@code keys accept}, ...), its options
 * and its positional arguments. Options may come before or after the command's name, as
 * {@code --name value}, {@code --name=value} or {@code -t value}; {@code --} ends the options.
 *
 * <p>A parser of its own rather than a library: the CLI must answer within a fraction of a second,
 * and an annotation-driven parser alone spent more than a hundred milliseconds of that building
 * its model at every start.
 */
final class Args {
    /**
     * A command's grammar.
     *
     * @param options          its options, by long name, and whether each takes a value
     * @param aliases          short names, e.g. -t for --target
     * @param minPositional    how many positional arguments it needs
     * @param maxPositional    how many it takes at most; -1 for a group of commands, which takes a command name
     * @param stopAtPositional whether everything after the first positional argument is positional too
     * @param missing          what the first missing positional argument is called, e.g. ID
     * @param usage            its help text
     */
    record Spec(Map<String, Boolean> options, Map<String, String> aliases, int minPositional, int maxPositional,
                boolean stopAtPositional, String missing, String usage) {
        Spec {
            options = Map.copyOf(options);
            aliases = Map.copyOf(aliases);
        }
    }

    /** Bad usage: the message says what is wrong, for the command it concerns. */
    static final class UsageException extends Exception {
        final String path;

        UsageException(String path, String message) {
            super(message, null, false, false);
            this.path = path;
        }
    }

    static final Map<String, Boolean> GLOBAL = Map.of("--master", true, "--pki", true, "--config", true, "--help", false);
    private static final Map<String, String> GLOBAL_ALIASES = Map.of("-h", "--help");

    final String path;
    private final Map<String, String> values;
    final List<String> positionals;

    private Args(String path, Map<String, String> values, List<String> positionals) {
        this.path = path;
        this.values = values;
        this.positionals = List.copyOf(positionals);
    }

    String value(String option) {
        return values.get(option);
    }

    boolean flag(String option) {
        return values.containsKey(option);
    }

    /** The value of an option that must be a positive whole number, or null when absent. */
    Long positive(String option) throws UsageException {
        String v = values.get(option);
        if (v == null) return null;
        try {
            long n = Long.parseLong(v);
            if (n > 0) return n;
        } catch (NumberFormatException ignored) {
            // Said below, with the option's name.
        }
        throw new UsageException(path, option + " takes a positive whole number, got '" + v + "'");
    }

    /**
     * Parses a command line against the commands {@code specs} knows, by path ("apply",
     * "keys list"). A group's name alone ("keys") parses as that group with no subcommand.
     */
    static Args parse(String[] args, Map<String, Spec> specs) throws UsageException {
        String path = "";
        Spec spec = null;
        Map<String, String> values = new LinkedHashMap<>();
        List<String> positionals = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!optionsEnded && a.equals("--")) {
                optionsEnded = true;
                continue;
            }
            boolean stop = spec != null && spec.stopAtPositional() && !positionals.isEmpty();
            if (!optionsEnded && !stop && a.startsWith("-") && a.length() > 1) {
                int eq = a.indexOf('=');
                String name = eq > 0 && a.startsWith("--") ? a.substring(0, eq) : a;
                Map<String, Boolean> options = new HashMap<>(GLOBAL);
                Map<String, String> aliases = new HashMap<>(GLOBAL_ALIASES);
                if (spec != null) {
                    options.putAll(spec.options());
                    aliases.putAll(spec.aliases());
                }
                name = aliases.getOrDefault(name, name);
                Boolean takesValue = options.get(name);
                if (takesValue == null) throw new UsageException(path, "unknown option '" + a + "'");
                String value;
                if (!takesValue) {
                    if (eq > 0) throw new UsageException(path, "option '" + name + "' takes no value");
                    value = "";
                } else if (eq > 0) {
                    value = a.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException(path, "option '" + name + "' needs a value");
                }
                if (values.put(name, value) != null && takesValue) {
                    throw new UsageException(path, "option '" + name + "' is given twice");
                }
                continue;
            }
            // A word names a command (or a group's subcommand) until the command is complete.
            String next = path.isEmpty() ? a : path + " " + a;
            if ((spec == null || spec.maxPositional() < 0 && positionals.isEmpty()) && specs.containsKey(next)) {
                path = next;
                spec = specs.get(next);
                continue;
            }
            if (spec == null) throw new UsageException(path, "unknown command '" + a + "'");
            if (spec.maxPositional() < 0) throw new UsageException(path, "unknown command '" + a + "'");
            positionals.add(a);
        }
        Args parsed = new Args(path, values, positionals);
        if (spec == null || parsed.flag("--help")) return parsed;
        if (spec.maxPositional() >= 0 && positionals.size() > spec.maxPositional()) {
            throw new UsageException(path, "unexpected argument '" + positionals.get(spec.maxPositional()) + "'");
        }
        if (positionals.size() < spec.minPositional()) {
            throw new UsageException(path, "missing argument " + spec.missing());
        }
        return parsed;
    }
}
