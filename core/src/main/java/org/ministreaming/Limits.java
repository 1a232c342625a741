package org.ministreaming;

/**
 * Limits enforced where input arrives, so that no peer can make a manager exceed its bounds.
 * Exceeding one refuses or closes the offending connection, or drops the offending message; it
 * logs one line naming the peer and the limit, counts it, and leaves every other connection
 * alone. Immutable and thread-safe.
 *
 * @param maxConnections connections (open, opening or waiting for accept) per manager
 * @param maxConnectionsPerPeer connections with any one peer
 * @param synsPerSecondPerPeer SYNs one peer may send per second, with a burst of as many
 * @param maxMessageSize bytes in the largest message accepted (a full data message is 32772)
 */
public record Limits(int maxConnections, int maxConnectionsPerPeer, int synsPerSecondPerPeer, int maxMessageSize) {

    /** 8192 connections, 1024 per peer, 200 SYNs per second per peer, 32772-byte messages. */
    public static final Limits DEFAULT = new Limits(8192, 1024, 200, 32772);

    /**
     * Validates the limits.
     *
     * @throws IllegalArgumentException if a limit is below 1, or the message size below a header
     */
    public Limits {
        positive("maxConnections", maxConnections);
        positive("maxConnectionsPerPeer", maxConnectionsPerPeer);
        positive("synsPerSecondPerPeer", synsPerSecondPerPeer);
        if (maxMessageSize < 32772) {
            throw new IllegalArgumentException("maxMessageSize must be at least 32772, a full data message: " + maxMessageSize);
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1: " + value);
        }
    }
}
