package org.ministreaming.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Short reasons for failed file operations. {@code java.nio.file} puts only the path in the
 * message of its exceptions, which says nothing next to the path the command prints anyway.
 *
 * <p>Stateless and thread-safe.
 */
final class FileErrors {

    private FileErrors() {
    }

    /**
     * Why a file operation failed, for a one-line error that names the file itself.
     *
     * @param error what the operation threw
     * @return for example {@code no such file or directory}, or the error's message
     */
    static String reason(IOException error) {
        if (error instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (error instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (error instanceof FileSystemException system && system.getReason() != null) {
            return system.getReason();
        }
        return Reasons.of(error);
    }
}
