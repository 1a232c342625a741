package org.ministreaming;

/**
 * Which side of a connection this endpoint is. Message types tell the role: {@code 5x}
 * messages belong to connections this side opened, {@code Ax} messages to connections it
 * accepted. Immutable and thread-safe.
 */
public enum Role {
    /** This side sent the SYN. */
    CLIENT,
    /** This side received the SYN. */
    SERVER
}
