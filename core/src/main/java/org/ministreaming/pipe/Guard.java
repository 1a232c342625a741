package org.ministreaming.pipe;

import java.io.IOException;

/** A check before each wait of a {@link Pipe#put}: throws to end the wait, such as when the writer was closed. */
@FunctionalInterface
public interface Guard {
    /** Throws if the writer must give up. */
    void check() throws IOException;
}
