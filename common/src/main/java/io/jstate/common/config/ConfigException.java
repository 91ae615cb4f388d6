package io.jstate.common.config;

/** A configuration file that cannot be used; the message names the file and the key. */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
