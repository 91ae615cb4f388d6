package io.jstate.master.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** HTML building blocks. Every value from outside goes through {@link #esc}; nothing else is ever concatenated raw. */
final class Html {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Html() {}

    static String esc(Object value) {
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A path segment for a link: ids and jids are restricted already, this keeps a link a link whatever they hold. */
    static String seg(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String time(long unixMs) {
        return unixMs <= 0 ? "—" : TIME.format(Instant.ofEpochMilli(unixMs));
    }

    static String ago(long unixMs, long now) {
        if (unixMs <= 0) return "never";
        long s = Math.max(0, (now - unixMs) / 1000);
        if (s < 60) return s + " s ago";
        if (s < 3600) return s / 60 + " min ago";
        if (s < 86400) return s / 3600 + " h ago";
        return s / 86400 + " d ago";
    }

    static String duration(long micros) {
        if (micros < 1000) return micros + " µs";
        if (micros < 1_000_000) return String.format(java.util.Locale.ROOT, "%.1f ms", micros / 1000.0);
        return String.format(java.util.Locale.ROOT, "%.1f s", micros / 1e6);
    }

    /** A badge: {@code kind} picks its colour from a fixed set, never from the value. */
    static String badge(String kind, Object text) {
        return "<span class=\"badge " + switch (kind) {
            case "ok", "warn", "bad", "muted" -> kind;
            default -> "muted";
        } + "\">" + esc(text) + "</span>";
    }

    /** A whole page; {@code refreshSeconds} > 0 reloads it (a meta tag: no script needed). */
    static String page(String title, String active, String user, String body, int refreshSeconds) {
        StringBuilder b = new StringBuilder(body.length() + 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        if (refreshSeconds > 0) b.append("<meta http-equiv=\"refresh\" content=\"").append(refreshSeconds).append("\">");
        b.append("<title>").append(esc(title)).append(" · jstate</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head><body>");
        if (user != null) {
            b.append("<header><span class=\"brand\">jstate</span><nav>");
            for (String[] n : new String[][] {{"/minions", "Minions"}, {"/jobs", "Jobs"}, {"/health", "Health"}}) {
                b.append("<a href=\"").append(n[0]).append("\"").append(n[1].equals(active) ? " class=\"active\"" : "").append(">")
                        .append(n[1]).append("</a>");
            }
            b.append("</nav><form method=\"post\" action=\"/logout\" class=\"logout\"><span>").append(esc(user))
                    .append("</span> <button type=\"submit\">Log out</button></form></header>");
        }
        b.append("<main><h1>").append(esc(title)).append("</h1>").append(body).append("</main></body></html>\n");
        return b.toString();
    }
}
