package io.jstate.master.jobs;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Job ids as Salt writes them: UTC {@code yyyyMMddHHmmssSSS} and three random digits. */
public final class Jids {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS").withZone(ZoneOffset.UTC);
    private static final Pattern JID = Pattern.compile("[0-9]{20}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Jids() {}

    public static String make(long unixMs) {
        return FORMAT.format(Instant.ofEpochMilli(unixMs)) + String.format("%03d", RANDOM.nextInt(1000));
    }

    public static boolean valid(String jid) {
        return jid != null && JID.matcher(jid).matches();
    }

    /** When the jid was made, in Unix milliseconds. */
    static long time(String jid) {
        try {
            return LocalDateTime.parse(jid.substring(0, 17), FORMAT).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
