package org.ministreaming;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * Managers and scripted peers on one in-memory network, for a test: {@link #close} closes them
 * all and checks that no thread of the library is left. Not thread-safe: make them on the test's
 * thread.
 */
final class MemoryEndpoints implements AutoCloseable {

    final MemoryNetwork network = new MemoryNetwork();
    private final List<StreamManager> managers = new ArrayList<>();
    private final List<ScriptedPeer> peers = new ArrayList<>();

    /** A manager named {@code name} with {@code options}. */
    StreamManager manager(String name, StreamOptions.Builder options) throws IOException {
        StreamManager manager = StreamManager.open(network.endpoint(name), options.build());
        managers.add(manager);
        return manager;
    }

    /** A peer played by the test, named {@code name}. */
    ScriptedPeer peer(String name) throws IOException {
        ScriptedPeer peer = new ScriptedPeer(network, name);
        peers.add(peer);
        return peer;
    }

    @Override
    public void close() {
        managers.forEach(StreamManager::close);
        peers.forEach(ScriptedPeer::close);
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }
}
