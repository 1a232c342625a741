package org.ministreaming;

import java.io.IOException;

/**
 * The connection was closed because the peer broke a limit on what this side receives: it sent
 * more than the plain allowance ahead of the reader ({@code plainReceiveAllowance}), it held the
 * most when the manager's receive budget ran out ({@code receiveBudget}), it broke the credit
 * rules, or it sent a data message larger than the largest accepted. The message names the limit.
 * Immutable and thread-safe.
 */
public class ReceiveLimitException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message which limit, and how it was broken
     */
    public ReceiveLimitException(String message) {
        super(message);
    }

    /**
     * @param message which limit, and how it was broken
     * @param cause an earlier report of the same failure, or {@code null}
     */
    public ReceiveLimitException(String message, Throwable cause) {
        super(message, cause);
    }
}
