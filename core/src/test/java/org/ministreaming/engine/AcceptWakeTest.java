package org.ministreaming.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.ministreaming.MessageListener;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;

/**
 * An arriving connection wakes one waiting {@code accept()}: the wake-up is never lost to a call
 * that is interrupted at the same moment, so the connection is accepted by another.
 */
class AcceptWakeTest {

    private static final int ACCEPTING = 8;
    private static final int ARRIVALS = 2_000;

    @Test
    void aConnectionIsAcceptedThoughTheCallItWokeWasInterruptedAtTheSameMoment() throws Exception {
        Engine engine = Engine.start(new RecordingTransport("mem:server"),
                new EngineSettings(Duration.ofHours(1), 64, 1 << 16, new Random(1)), MessageListener.NONE);
        Acceptor acceptor = engine.acceptor();
        Set<ConnectionId> accepted = ConcurrentHashMap.newKeySet();
        List<Thread> calls = new ArrayList<>();
        Random pick = new Random(2);
        try {
            for (int i = 0; i < ACCEPTING; i++) {
                calls.add(acceptUntilInterrupted(acceptor, accepted, i));
            }
            for (int i = 1; i <= ARRIVALS; i++) {
                int which = pick.nextInt(ACCEPTING);
                Thread interrupted = calls.get(which);
                Await.until(() -> interrupted.getName() + " waiting", () -> Await.isParkedIn(interrupted, Acceptor.class, "take"));
                interrupted.interrupt();
                // A peer each, so that no peer reaches its SYN rate.
                Destination peer = Destination.of("mem:peer" + i);
                engine.onMessage(peer, ByteBuffer.wrap(Message.syn(new ConnectionId(i), peer.uri().getBytes(UTF_8)).toByteArray()));
                int expected = i;
                Await.until(() -> accepted.size() + " of " + expected + " connections accepted", () -> accepted.size() == expected);
                interrupted.join(Await.LIMIT.toMillis());
                assertThat(interrupted.isAlive()).as("an interrupted accept() returns").isFalse();
                calls.set(which, acceptUntilInterrupted(acceptor, accepted, ARRIVALS + i));
            }
        } finally {
            engine.close();
            for (Thread call : calls) {
                call.join(Await.LIMIT.toMillis());
            }
        }
        assertThat(calls).noneMatch(Thread::isAlive);
        assertThat(accepted).hasSize(ARRIVALS);
    }

    /**
     * A thread that accepts until it is interrupted or the engine closes; a call interrupted after
     * it was handed a connection returns it, and the thread then ends.
     */
    private static Thread acceptUntilInterrupted(Acceptor acceptor, Set<ConnectionId> accepted, int number) {
        Thread thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    accepted.add(acceptor.accept(0).remoteId());
                } catch (IOException interruptedOrClosed) {
                    return;
                }
            }
        }, "accepting-" + number);
        thread.start();
        return thread;
    }
}
