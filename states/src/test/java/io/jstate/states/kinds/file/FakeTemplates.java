package io.jstate.states.kinds.file;

import io.jstate.states.engine.Secrets;
import io.jstate.states.engine.Templates;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A state tree in memory for file state tests: {{name}} is replaced from the render context and a
 * missing name throws, like the strict Mustache renderer; nothing else of Mustache is needed here.
 */
final class FakeTemplates implements Templates {
    private static final Pattern VAR = Pattern.compile("\\{\\{\\s*([\\w.]+)\\s*}}");

    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, Object> runContext;
    final List<String> rendered = new java.util.ArrayList<>();
    private Secrets secrets = Secrets.NONE;

    FakeTemplates(Map<String, Object> runContext) {
        this.runContext = runContext;
    }

    FakeTemplates file(String source, String text) {
        files.put(source, text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    FakeTemplates file(String source, byte[] bytes) {
        files.put(source, bytes.clone());
        return this;
    }

    /** Marks these run-context values secret, as {@code !secret} in pillar does. */
    FakeTemplates secrets(String... values) {
        secrets = new Secrets(List.of(values));
        return this;
    }

    @Override
    public String render(String source, Map<String, Object> extra) {
        rendered.add(source);
        Map<String, Object> ctx = new HashMap<>(runContext);
        ctx.putAll(extra);
        Matcher m = VAR.matcher(new String(raw(source), StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object v = ctx.get(m.group(1));
            if (v == null) throw new IllegalArgumentException(source + ": no value for '" + m.group(1) + "'");
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(v)));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public byte[] raw(String source) {
        byte[] b = files.get(source);
        if (b == null) throw new IllegalArgumentException("no template " + source);
        return b.clone();
    }

    @Override
    public boolean exists(String source) {
        return files.containsKey(source);
    }

    @Override
    public Secrets secrets() {
        return secrets;
    }

    /** Whether the template names a variable whose value is secret, as the real renderer tracks lookups. */
    @Override
    public boolean readsSecret(String source, Map<String, Object> extra) {
        Map<String, Object> ctx = new HashMap<>(runContext);
        ctx.putAll(extra);
        Matcher m = VAR.matcher(new String(raw(source), StandardCharsets.UTF_8));
        while (m.find()) {
            if (ctx.get(m.group(1)) instanceof String v && secrets.isValue(v)) return true;
        }
        return false;
    }
}
