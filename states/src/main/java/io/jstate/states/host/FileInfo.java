package io.jstate.states.host;

/** What {@link Host#stat} observed. {@code linkTarget} is set only for symlinks. */
public record FileInfo(Type type, int mode, String user, String group, long size, String linkTarget) {
    public enum Type { FILE, DIRECTORY, SYMLINK, OTHER }

    public boolean isFile() { return type == Type.FILE; }
    public boolean isDirectory() { return type == Type.DIRECTORY; }
    public boolean isSymlink() { return type == Type.SYMLINK; }

    /** The mode as the four-digit octal text operators write ("0644"). */
    public String modeString() {
        return String.format("%04o", mode);
    }
}
