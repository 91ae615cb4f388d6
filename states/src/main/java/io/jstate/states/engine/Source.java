package io.jstate.states.engine;

/** Where something was declared: the SLS name, its file (relative to the state tree) and line. */
public record Source(String sls, String file, int line) {
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line : file;
    }
}
