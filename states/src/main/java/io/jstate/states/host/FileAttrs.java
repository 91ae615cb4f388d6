package io.jstate.states.host;

/** Mode, owner and group to give a file or directory; a null part is left to the system default. */
public record FileAttrs(Integer mode, String user, String group) {
    public static final FileAttrs DEFAULT = new FileAttrs(null, null, null);

    public static FileAttrs mode(int mode) {
        return new FileAttrs(mode, null, null);
    }
}
