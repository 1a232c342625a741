package org.ministreaming.bench.throughput;

import java.io.IOException;

/** A received stream that differs from what was sent: a byte, or its length. */
public final class MismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message which stream, and how it differs
     */
    public MismatchException(String message) {
        super(message);
    }
}
