package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.memory.MemoryNetwork;

/**
 * The README's promise: closing the manager sends a close for every open connection, fails every
 * blocked call and leaves no thread behind. Tested under load: many connections, each with a
 * reader blocked waiting for data, writers blocked waiting for credit, writers and readers
 * moving data as fast as they can, an accept and a connect waiting, all at the moment of the close.
 */
@Timeout(120)
class ManagerCloseTest {

    private static final int WINDOW = 16 * 1024;
    private static final int CONNECTIONS = 24;

    private final MemoryNetwork network = new MemoryNetwork();
    private final List<StreamManager> managers = new ArrayList<>();

    private StreamManager manager(String name, StreamOptions.Builder options) throws IOException {
        StreamManager manager = StreamManager.open(network.endpoint(name), options.build());
        managers.add(manager);
        return manager;
    }

    @AfterEach
    void stop() {
        managers.forEach(StreamManager::close);
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void closingAManagerUnderLoadFailsEveryBlockedCallClosesEveryConnectionAndLeavesNoThread() throws Exception {
        StreamManager closing = manager("closing", StreamOptions.builder().acceptBacklog(CONNECTIONS + 1));
        StreamManager far = manager("far", StreamOptions.builder().receiveBufferSize(WINDOW));
        StreamServerSocket server = closing.serverSocket();
        List<StreamSocket[]> pairs = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            Async.Running<StreamSocket> accepted = Async.run(() -> server.accept(Await.LIMIT));
            StreamSocket near = far.connect(closing.localDestination());
            pairs.add(new StreamSocket[] {accepted.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS), near});
        }

        List<CompletableFuture<?>> mustFail = new ArrayList<>();
        List<CompletableFuture<Long>> farReads = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            StreamSocket ours = pairs.get(i)[0];
            StreamSocket theirs = pairs.get(i)[1];
            Async.Running<Integer> read = Async.run(() -> ours.getInputStream().read());
            Blocked.inRead(read.thread());
            mustFail.add(read);
            Async.Running<Void> write = Async.run(() -> {
                byte[] chunk = new byte[8192];
                while (true) {
                    ours.getOutputStream().write(chunk);
                }
            });
            mustFail.add(write);
            if (i % 2 == 0) {
                // The far side never reads: this writer ends up waiting for credit.
                Await.until("the far reader's window fills", () -> theirs.connection().available() >= WINDOW);
                Blocked.inWriteForCredit(write.thread());
            } else {
                // The far side reads as fast as it can: this writer is busy when the close comes.
                farReads.add(Async.run(() -> drain(theirs.getInputStream())));
            }
        }
        Async.Running<StreamSocket> accept = Async.run(() -> server.accept());
        Blocked.inAccept(accept.thread());
        mustFail.add(accept);
        try (ScriptedPeer quiet = new ScriptedPeer(network, "quiet")) {
            Async.Running<StreamSocket> connect = Async.run(() -> closing.connect(quiet.destination()));
            quiet.expect();
            Blocked.inConnect(connect.thread());
            mustFail.add(connect);

            Async.run(() -> {
                closing.close();
                return null;
            }).get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);

            for (CompletableFuture<?> call : mustFail) {
                assertThat(call).failsWithin(Await.LIMIT).withThrowableThat().havingCause().isInstanceOf(IOException.class);
            }
        }
        assertThat(accept).failsWithin(Duration.ZERO).withThrowableThat().havingCause().isInstanceOf(SocketException.class);
        for (CompletableFuture<Long> read : farReads) {
            assertThat(read).as("a busy connection ends in a clean close at the far side").succeedsWithin(Await.LIMIT);
        }
        for (int i = 0; i < CONNECTIONS; i += 2) {
            InputStream in = pairs.get(i)[1].getInputStream();
            assertThat(drain(in)).as("what the waiting writer had sent").isEqualTo(WINDOW);
        }
        assertThatThrownBy(() -> closing.connect(far.localDestination())).isInstanceOf(SocketException.class);
        far.close();
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    /** Reads to the end of the stream, which must come as a clean close; returns the bytes read. */
    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            total += n;
        }
        return total;
    }
}
