package io.jstate.states.host;

/** What {@link Host#stat} observed. {@code linkTarget} is set only for symlinks. */
public record FileInfo(Type type, int mode, String user, String group, long size, String linkTarget) {
    public enum Type { FILE, DIRECTORY, SYMLINK, OTHER }

    public boolean isFile() { return type == Type.FILE; }
    public boolean isDirectory() { return type == Type.DIRECTORY; }
    public boolean isSymlink() { return type == Type.SYMLINK; }

    /**
     * The mode as the four-digit octal text operators write ("0644"). Built by hand: every file a
     * run checks asks for it, and {@code String.format} looks up the default locale's number
     * formats, which loads and keeps the JDK's whole table of locales.
     */
    public String modeString() {
        String octal = Integer.toOctalString(mode);
        return octal.length() >= 4 ? octal : "0000".substring(octal.length()) + octal;
    }
}
