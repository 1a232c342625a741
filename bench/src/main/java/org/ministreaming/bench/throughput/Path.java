package org.ministreaming.bench.throughput;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * A way to carry streams, open for several transfers; {@link #close} releases it. A transfer
 * calls {@link #open} from one thread; implementations need not be thread-safe beyond that.
 */
public interface Path extends Closeable {

    /**
     * Its name, for thread names and output.
     *
     * @return a short name, such as {@code raw TCP}
     */
    String name();

    /**
     * Opens streams.
     *
     * @param count how many
     * @return connected streams, each ready to send one way
     * @throws IOException if connecting failed
     */
    List<Stream> open(int count) throws IOException;
}
