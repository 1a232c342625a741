package org.ministreaming;

import java.net.SocketException;

/**
 * The peer closed the connection: later writes fail with this exception (reads see the bytes
 * that arrived first, then end of stream). Immutable and thread-safe.
 */
public class ConnectionResetException extends SocketException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message which connection, closed by whom
     */
    public ConnectionResetException(String message) {
        super(message);
    }

    /**
     * @param message which connection, closed by whom
     * @param cause an earlier report of the same close, or {@code null}
     */
    public ConnectionResetException(String message, Throwable cause) {
        super(message);
        initCause(cause);
    }
}
