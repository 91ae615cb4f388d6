package io.jstate.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven over the Chrome DevTools Protocol, with no library: the
 * browser is started with {@code --remote-debugging-pipe}, which reads commands from its fd 3 and
 * writes answers and events to its fd 4, each a JSON text ended by a NUL byte. A shell in front of
 * it maps those to the process's stdin and stdout. One page (target) is opened and attached in
 * flat mode, so every page command carries its session id.
 *
 * <p>{@code prefix} runs before the browser, e.g. {@code nsenter --net=/run/netns/jlab-master}, so
 * that it sees only that network. Certificates are trusted by SPKI pin, exactly, never wholesale.
 */
final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final OutputStream toBrowser;
    private final Path profile;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile String session;

    private Chromium(Process process, Path profile) {
        this.process = process;
        this.toBrowser = process.getOutputStream();
        this.profile = profile;
        this.reader = new Thread(this::readLoop, "cdp-reader");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** The base64 SHA-256 of a certificate's SubjectPublicKeyInfo, as --ignore-certificate-errors-spki-list takes it. */
    static String spki(byte[] pem) throws Exception {
        X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(pem));
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(c.getPublicKey().getEncoded()));
    }

    /** Starts the browser behind {@code prefix}, trusting the certificate whose SPKI hash is {@code spki}; its stderr goes to {@code log}. */
    static Chromium launch(List<String> prefix, String spki, Path log) throws Exception {
        Path profile = Files.createTempDirectory("jstate-chromium-");
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("sh", "-c", "exec \"$@\" 3<&0 4>&1 1>&2", "sh", "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1366,900", "--user-data-dir=" + profile, "--ignore-certificate-errors-spki-list=" + spki,
                "--remote-debugging-pipe", "about:blank"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Chromium c = new Chromium(pb.start(), profile);
        try {
            Map<String, Object> target = c.call(null, "Target.createTarget", Map.of("url", "about:blank"));
            Map<String, Object> attached = c.call(null, "Target.attachToTarget", Map.of("targetId", target.get("targetId"), "flatten", true));
            c.session = (String) attached.get("sessionId");
            c.call(c.session, "Page.enable", Map.of());
            c.call(c.session, "Runtime.enable", Map.of());
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    private void readLoop() {
        try (InputStream in = process.getInputStream()) {
            ByteArrayOutputStream msg = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (b != 0) {
                    msg.write(b);
                    continue;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> m = JSON.readValue(msg.toByteArray(), Map.class);
                msg.reset();
                if (m.get("id") instanceof Number id) {
                    CompletableFuture<Map<String, Object>> f = pending.remove(id.intValue());
                    if (f != null) f.complete(m);
                }
            }
        } catch (IOException | RuntimeException e) {
            // The browser went away; waiting calls fail on their timeouts or below.
        }
        pending.values().forEach(f -> f.completeExceptionally(new IOException("chromium exited")));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> call(String sessionId, String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        if (sessionId != null) m.put("sessionId", sessionId);
        m.put("method", method);
        m.put("params", params);
        CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
        pending.put(id, f);
        synchronized (toBrowser) {
            toBrowser.write(JSON.writeValueAsBytes(m));
            toBrowser.write(0);
            toBrowser.flush();
        }
        Map<String, Object> answer = f.get(60, TimeUnit.SECONDS);
        if (answer.get("error") != null) throw new IllegalStateException(method + ": " + JSON.writeValueAsString(answer.get("error")));
        Object result = answer.get("result");
        return result instanceof Map<?, ?> r ? (Map<String, Object>) r : Map.of();
    }

    /** A command to the page. */
    Map<String, Object> page(String method, Map<String, Object> params) throws Exception {
        return call(session, method, params);
    }

    /** Loads {@code url} and waits until the document (after any redirects) has loaded. */
    void go(String url) throws Exception {
        Map<String, Object> r = page("Page.navigate", Map.of("url", url));
        if (r.get("errorText") != null) throw new IllegalStateException("cannot load " + url + ": " + r.get("errorText"));
        waitFor("document.readyState === 'complete' && location.href !== 'about:blank'", Duration.ofSeconds(30));
    }

    /** The value of a JavaScript expression in the page (DevTools evaluation, which the page's CSP does not govern). */
    Object eval(String expression) throws Exception {
        Map<String, Object> r = page("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        @SuppressWarnings("unchecked")
        Map<String, Object> value = (Map<String, Object>) r.get("result");
        if (r.get("exceptionDetails") != null) throw new IllegalStateException(expression + ": " + JSON.writeValueAsString(r.get("exceptionDetails")));
        return value == null ? null : value.get("value");
    }

    String text() throws Exception {
        return String.valueOf(eval("document.body ? document.body.innerText : ''"));
    }

    /** Waits until {@code condition} is true in the page. */
    void waitFor(String condition, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < end) {
            try {
                if (Boolean.TRUE.equals(eval("!!(" + condition + ")"))) return;
            } catch (IllegalStateException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not true within " + timeout.toSeconds() + " s: " + condition + (last == null ? "" : " (" + last.getMessage() + ")")
                + "\npage " + eval("location.href") + ":\n" + text());
    }

    /** A PNG of the page, beyond the window but at most 2400 pixels tall, written to {@code file}. */
    Path screenshot(Path file) throws Exception {
        Number height = (Number) eval("Math.min(2400, Math.max(document.documentElement.scrollHeight, window.innerHeight))");
        Number width = (Number) eval("document.documentElement.clientWidth");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1);
        Map<String, Object> r = page("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode((String) r.get("data")));
        return file;
    }

    @Override
    public void close() throws Exception {
        try {
            if (process.isAlive()) {
                try {
                    call(null, "Browser.close", Map.of());
                } catch (Exception e) {
                    // Killed below.
                }
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            try (Stream<Path> s = Files.walk(profile)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
