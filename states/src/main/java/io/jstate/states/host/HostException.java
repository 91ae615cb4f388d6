package io.jstate.states.host;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/** A system operation failed: a command could not start, a file could not be written. */
public class HostException extends RuntimeException {
    public HostException(String message) {
        super(message);
    }

    public HostException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Why an I/O operation failed, in words for an operator: never a Java class name, and never
     * the bare path that {@code NoSuchFileException} and its kin carry as their whole message
     * (the caller names the file).
     */
    public static String reason(IOException e) {
        String why = e instanceof NoSuchFileException ? "no such file or directory"
                : e instanceof AccessDeniedException ? "permission denied"
                : e instanceof FileAlreadyExistsException ? "a file is in the way"
                : e instanceof DirectoryNotEmptyException ? "the directory is not empty"
                : e instanceof NotDirectoryException ? "not a directory"
                : e instanceof NotLinkException ? "not a symbolic link"
                : e instanceof FileSystemLoopException ? "a loop of symbolic links"
                : null;
        if (why != null) return why;
        if (e instanceof FileSystemException fs) return fs.getReason() != null ? fs.getReason() : "input/output error";
        return e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : "input/output error";
    }
}
