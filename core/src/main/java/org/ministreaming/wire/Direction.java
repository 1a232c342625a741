package org.ministreaming.wire;

/**
 * Which way a message travels, as the seed's trace notation writes it.
 *
 * <p>Immutable and thread-safe.
 */
public enum Direction {
    /** From the side that sent the SYN to the side that accepted it: {@code C->S}. */
    CLIENT_TO_SERVER("C->S"),
    /** From the accepting side to the side that sent the SYN: {@code S->C}. */
    SERVER_TO_CLIENT("S->C"),
    /** Chaff, which either side may send: {@code *->*}. */
    EITHER("*->*");

    private final String arrow;

    Direction(String arrow) {
        this.arrow = arrow;
    }

    /** The arrow used in traces, for example {@code C->S}. */
    public String arrow() {
        return arrow;
    }
}
