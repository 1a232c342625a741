package org.ministreaming.transport.memory;

/**
 * What one direction of a simulated path ({@link MemoryNetwork#setPath}) did with the messages
 * sent over it. Immutable and thread-safe.
 *
 * @param delivered messages that arrive (or are still on their way)
 * @param fragmentLosses messages lost because at least one of their fragments was
 * @param queueDrops messages dropped because the queue for the bandwidth was full
 */
public record PathCounts(long delivered, long fragmentLosses, long queueDrops) {

    /** Every message the path was given. */
    public long sent() {
        return delivered + fragmentLosses + queueDrops;
    }
}
