package org.ministreaming.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.MessageListener;
import org.ministreaming.PeerLostException;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;

/**
 * A run of messages ({@link org.ministreaming.transport.Transport.Receiver#onLentMessage(Destination,
 * ByteBuffer, Runnable, boolean)} with {@code more}): the engine keeps the data as it comes, in
 * order, and holds back waking the readers until the run ends, with a message without
 * {@code more}, handed over either way, or with the peer's loss. Each reader is woken once; a
 * readiness callback, which runs on the thread that wakes, shows when.
 */
class RunOfMessagesTest {

    private static final Destination PEER = Destination.of("mem:peer");

    private final RecordingTransport transport = new RecordingTransport("mem:server");
    private final AtomicInteger givenBack = new AtomicInteger();
    private Engine engine;

    @BeforeEach
    void start() throws IOException {
        engine = Engine.start(transport, new EngineSettings(Duration.ofHours(1), 8, 1 << 16, new Random(1)), MessageListener.NONE);
        engine.acceptor();
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void readersAreWokenOnceWhenTheRunEndsAndReadEverythingInOrder() throws IOException {
        ServerConnection one = accepted(1);
        ServerConnection two = accepted(2);
        AtomicInteger oneWoken = woken(one);
        AtomicInteger twoWoken = woken(two);
        byte[][] payloads = payloads(4);

        engine.onLentMessage(PEER, data(one, payloads[0]), givenBack::incrementAndGet, true);
        engine.onLentMessage(PEER, data(two, payloads[1]), givenBack::incrementAndGet, true);
        engine.onLentMessage(PEER, data(one, payloads[2]), givenBack::incrementAndGet, true);
        assertThat(oneWoken).as("held back while more follow").hasValue(0);
        assertThat(twoWoken).hasValue(0);
        assertThat(one.available()).as("kept as it came").isEqualTo(payloads[0].length + payloads[2].length);

        engine.onLentMessage(PEER, data(two, payloads[3]), givenBack::incrementAndGet, false);
        assertThat(oneWoken).as("woken once the run ended").hasValue(1);
        assertThat(twoWoken).hasValue(1);
        assertThat(readAll(one, payloads[0].length + payloads[2].length)).isEqualTo(concat(payloads[0], payloads[2]));
        assertThat(readAll(two, payloads[1].length + payloads[3].length)).isEqualTo(concat(payloads[1], payloads[3]));
        assertThat(givenBack).as("every loan back once read").hasValue(4);
    }

    @Test
    void aMessageHandedOverEndsTheRunToo() throws IOException {
        ServerConnection connection = accepted(1);
        AtomicInteger woken = woken(connection);
        byte[][] payloads = payloads(2);

        engine.onLentMessage(PEER, data(connection, payloads[0]), givenBack::incrementAndGet, true);
        assertThat(woken).hasValue(0);
        engine.onMessage(PEER, data(connection, payloads[1])); // a short frame, copied by the transport

        assertThat(woken).hasValue(1);
        assertThat(readAll(connection, payloads[0].length + payloads[1].length)).isEqualTo(concat(payloads[0], payloads[1]));
    }

    @Test
    void thePeersLossEndsTheRunAndTheReaderGetsTheDataThenTheLoss() throws IOException {
        ServerConnection connection = accepted(1);
        AtomicInteger woken = woken(connection);
        byte[] payload = payloads(1)[0];

        engine.onLentMessage(PEER, data(connection, payload), givenBack::incrementAndGet, true);
        assertThat(woken).hasValue(0);
        engine.onPeerLost(PEER, new IOException("link closed"));

        assertThat(woken).hasValue(1);
        assertThat(readAll(connection, payload.length)).isEqualTo(payload);
        assertThatThrownBy(() -> connection.read(new byte[1], 0, 1)).isInstanceOf(PeerLostException.class);
    }

    /** A connection the peer opened and the engine accepted, the SYN's ACK taken off the transport. */
    private ServerConnection accepted(int client) throws IOException {
        engine.onMessage(PEER, ByteBuffer.wrap(Message.syn(new ConnectionId(client), "mem:peer".getBytes(StandardCharsets.UTF_8)).toByteArray()));
        ServerConnection connection = engine.acceptor().accept(1000);
        assertThat(connection).isNotNull();
        connection.setReadTimeoutMillis(Await.LIMIT.toMillis()); // a byte missing fails the test instead of hanging it
        transport.sent.clear();
        return connection;
    }

    /** Counts the runs of a readiness callback registered now, on the thread that wakes. */
    private static AtomicInteger woken(Connection connection) {
        AtomicInteger runs = new AtomicInteger();
        connection.onReadable(Runnable::run, runs::incrementAndGet);
        return runs;
    }

    private static ByteBuffer data(ServerConnection to, byte[] payload) {
        return ByteBuffer.wrap(Message.of(MessageType.CLIENT_DATA, to.localId(), payload).toByteArray()).asReadOnlyBuffer();
    }

    private static byte[][] payloads(int count) {
        Random random = new Random(count);
        byte[][] payloads = new byte[count][];
        for (int i = 0; i < count; i++) {
            payloads[i] = new byte[100 + 37 * i];
            random.nextBytes(payloads[i]);
        }
        return payloads;
    }

    private static byte[] readAll(Connection connection, int length) throws IOException {
        byte[] read = new byte[length];
        int at = 0;
        while (at < length) {
            at += connection.read(read, at, length - at);
        }
        return read;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
