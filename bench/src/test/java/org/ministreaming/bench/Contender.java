package org.ministreaming.bench;

import java.io.IOException;

/** One of the things the benchmark compares, measured one sample at a time. */
interface Contender extends AutoCloseable {

    /** The name in the results table. */
    String name();

    /**
     * One connect: from the call that opens a connection until the server's 1-byte reply has
     * arrived at the client.
     *
     * @return the time it took, in nanoseconds
     */
    long connectNanos() throws Exception;

    /**
     * One bulk transfer over a connection opened beforehand: from the first byte written until the
     * receiver has read them all and its 1-byte acknowledgement has arrived at the sender.
     *
     * @param bytes how many bytes to move
     * @return the time it took, in nanoseconds
     */
    long transferNanos(long bytes) throws Exception;

    /** Closes both ends and whatever they run on. */
    @Override
    void close() throws IOException;

    /** Anything the results table should say about this contender's figures, or nothing. */
    default String remarks() {
        return "";
    }
}
