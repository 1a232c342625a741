package org.ministreaming;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/** Threads and bytes for the transport fixtures, which stop the threads they start after each test. */
public final class TestThreads {

    private TestThreads() {
    }

    /**
     * Starts a daemon thread named {@code test-NAME} and adds it to {@code owned}, where its
     * fixture finds it to stop it.
     */
    public static Thread start(Collection<Thread> owned, String name, Runnable body) {
        Thread thread = new Thread(body, "test-" + name);
        thread.setDaemon(true);
        owned.add(thread);
        thread.start();
        return thread;
    }

    /** {@code text} in UTF-8, as a read-only buffer. */
    public static ByteBuffer text(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
    }
}
