package io.jstate.common.net;

/**
 * A host and a port as configuration files and options write them: {@code host:port},
 * {@code 10.0.0.1:4506}, {@code [::1]:4507}. The host is kept without brackets; {@link #toString()}
 * puts them back around an IPv6 address, so that the text parses again to the same value.
 *
 * @param host a name or an address literal, without brackets; empty for "every address"
 * @param port 0 to 65535
 */
public record HostPort(String host, int port) {
    public HostPort {
        if (host == null) throw new IllegalArgumentException("a host is required");
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
    }

    /**
     * Parses {@code HOST:PORT}; an IPv6 address takes brackets ({@code [::1]:4507}).
     *
     * @param where what the text is, for the message ("master.yaml: admin.listen")
     * @throws IllegalArgumentException naming {@code where} and the text
     */
    public static HostPort parse(String where, String text) {
        return parse(where, text, -1);
    }

    /**
     * Parses {@code HOST:PORT} or, when {@code defaultPort} is not negative, a bare {@code HOST}
     * (a bare IPv6 address may go without brackets then: {@code ::1}).
     */
    public static HostPort parse(String where, String text, int defaultPort) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) throw new IllegalArgumentException(where + ": expected HOST:PORT, got an empty value");
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) throw new IllegalArgumentException(where + ": no ']' after the IPv6 address in '" + text + "'");
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (rest.isEmpty()) {
                port = null;
            } else if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else {
                throw new IllegalArgumentException(where + ": expected HOST:PORT, got '" + text + "'");
            }
        } else {
            int colon = s.indexOf(':');
            if (colon >= 0 && colon != s.lastIndexOf(':')) {
                // Several colons without brackets: an IPv6 address with no port.
                host = s;
                port = null;
            } else {
                host = colon < 0 ? s : s.substring(0, colon);
                port = colon < 0 ? null : s.substring(colon + 1);
            }
        }
        if (port == null) {
            if (defaultPort < 0) throw new IllegalArgumentException(where + ": expected HOST:PORT, got '" + text + "'");
            return new HostPort(host, defaultPort);
        }
        if (host.isEmpty()) throw new IllegalArgumentException(where + ": expected HOST:PORT, got '" + text + "'");
        int n;
        try {
            n = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": bad port in '" + text + "'");
        }
        if (n < 0 || n > 65535) throw new IllegalArgumentException(where + ": port " + n + " in '" + text + "' is not between 0 and 65535");
        return new HostPort(host, n);
    }

    /** Whether the host is an IPv6 address literal, which takes brackets in {@code HOST:PORT}. */
    public boolean ipv6() {
        return host.indexOf(':') >= 0;
    }

    /** Whether this names every address of the machine ({@code 0.0.0.0}, {@code ::} or no host). */
    public boolean wildcard() {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::");
    }

    /** The host as it goes into a URL or {@code HOST:PORT}: an IPv6 address in brackets. */
    public String hostForUrl() {
        return ipv6() ? "[" + host + "]" : host;
    }

    /**
     * The address a client on this machine dials to reach a listener here: a wildcard listener is
     * reached on loopback, of the same family.
     */
    public HostPort dialable() {
        if (host.isEmpty() || host.equals("0.0.0.0")) return new HostPort("127.0.0.1", port);
        if (host.equals("::")) return new HostPort("::1", port);
        return this;
    }

    @Override
    public String toString() {
        return hostForUrl() + ":" + port;
    }
}
