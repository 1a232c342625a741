package org.ministreaming;

import java.net.ConnectException;

/**
 * The peer refused a connection: it has no server socket open, its accept backlog was full, or
 * nobody accepted the connection in time. Thrown by {@link StreamManager#connect}. A
 * {@link ConnectException}, as a refused TCP connect is. Immutable and thread-safe.
 */
public class ConnectionRefusedException extends ConnectException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what was refused, by whom
     */
    public ConnectionRefusedException(String message) {
        super(message);
    }
}
