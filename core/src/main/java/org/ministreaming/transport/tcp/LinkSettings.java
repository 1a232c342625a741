package org.ministreaming.transport.tcp;

import java.util.function.BooleanSupplier;

/**
 * What every link of one transport is made with: its deadlines, the bound of its send queue's
 * lanes, the send budget over all links, and this side's hello.
 *
 * <p>Immutable and thread-safe (the budget is thread-safe, and nobody changes the hello).
 *
 * @param connectTimeoutMillis for a dial, and for the TLS handshake and the hello of every link
 * @param frameTimeoutMillis for each frame once begun
 * @param idleTimeoutMillis for the next message on a link that carries nothing of ours; 0 for no limit
 * @param sendQueueBytes the bound of each lane of a link's send queue
 * @param budget the bytes queued over all links and their bound
 * @param hello this side's hello; the same array every time, never changed
 */
record LinkSettings(int connectTimeoutMillis, long frameTimeoutMillis, long idleTimeoutMillis, long sendQueueBytes,
        SendBudget budget, byte[] hello) {

    /**
     * The read deadlines of a new link, over TLS or plain TCP; {@code used} tells whether this
     * side sent over it.
     */
    ReadDeadlines deadlines(boolean tls, BooleanSupplier used) {
        return new ReadDeadlines(tls, connectTimeoutMillis, frameTimeoutMillis, idleTimeoutMillis, used);
    }
}
