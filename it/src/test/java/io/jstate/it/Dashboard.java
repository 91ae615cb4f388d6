package io.jstate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lab master's web dashboard seen from real headless Chromium: the browser runs from this
 * machine's file system inside the master host's network namespace only, where
 * https://127.0.0.1:4508 is the master's web listener, and trusts exactly the master's server
 * certificate (by SPKI pin). An operator login is made on the master host with
 * {@code jstate web passwd}, as an operator would. Screenshots go to the lab's log folder.
 */
final class Dashboard implements AutoCloseable {
    static final String BASE = "https://127.0.0.1:4508";
    static final String USER = "operator";
    private static final Pattern JID = Pattern.compile("\"jid\"\\s*:\\s*\"(\\d{20})\"");

    private final Lab lab;
    private final String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    final Chromium browser;

    Dashboard(Lab lab) throws Exception {
        this.lab = lab;
        Procs.Ran passwd = lab.on("master", "printf '%s\\n' '" + password + "' | " + Lab.REPO.resolve("packaging/bin/jstate")
                + " --config /etc/jstate/master.yaml web passwd " + USER);
        assertEquals(0, passwd.exit(), passwd.toString());
        Procs.Ran cert = lab.on("master", "cat /var/lib/jstate/master/pki/server.crt");
        assertEquals(0, cert.exit(), cert.toString());
        String spki = Chromium.spki(cert.out().getBytes(StandardCharsets.US_ASCII));
        browser = Chromium.launch(List.of("nsenter", "--net=" + lab.netns("master"), "--"), spki, lab.logs().resolve("chromium.log"));
    }

    /** Runs {@code jstate COMMAND --json ARGS} on the master and returns the job's jid. */
    String job(String command, String... args) throws Exception {
        StringBuilder cmd = new StringBuilder(Lab.REPO.resolve("packaging/bin/jstate") + " --config /etc/jstate/master.yaml " + command + " --json");
        for (String a : args) cmd.append(" '").append(a).append("'");
        Procs.Ran r = lab.on("master", cmd.toString());
        Matcher m = JID.matcher(r.out());
        assertTrue(m.find(), "no jid in:\n" + r);
        return m.group(1);
    }

    /** Anonymous: any page sends the browser to the login form; then the operator logs in. */
    void logIn() throws Exception {
        browser.go(BASE + "/minions");
        assertEquals("/login", browser.eval("location.pathname"), browser.text());
        screenshot("dashboard-login.png");
        browser.eval("document.getElementById('username').value = '" + USER + "';"
                + "document.getElementById('password').value = '" + password + "';"
                + "document.getElementById('login').click(); true");
        browser.waitFor("location.pathname === '/minions' && document.readyState === 'complete'", Duration.ofSeconds(30));
        assertTrue(browser.text().contains(USER), "the header names the operator");
    }

    /** Loads a page of the dashboard and returns its text. */
    String open(String path) throws Exception {
        browser.go(BASE + path);
        assertEquals(path.replaceAll("\\?.*", ""), browser.eval("location.pathname"), "not redirected away (still logged in)");
        return browser.text();
    }

    /** The minions the Minions page shows as connected. */
    List<String> connected() throws Exception {
        Object ids = browser.eval("[...document.querySelectorAll('tr[id^=\"minion-\"]')]"
                + ".filter(r => [...r.querySelectorAll('.badge')].some(b => b.textContent === 'connected'))"
                + ".map(r => r.id.substring(7))");
        return ((List<?>) ids).stream().map(String::valueOf).toList();
    }

    Path screenshot(String name) throws Exception {
        Path p = browser.screenshot(lab.logs().resolve(name)).toAbsolutePath();
        System.out.println("dashboard screenshot: " + p);
        return p;
    }

    @Override
    public void close() throws Exception {
        browser.close();
    }
}
