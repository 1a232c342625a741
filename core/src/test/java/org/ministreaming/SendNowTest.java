package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.engine.Connection;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.ForwardingTransport;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;
import org.ministreaming.wire.Packet;

/**
 * A writer's data messages are offered first to {@link Transport#sendNow}, the connection's data
 * header apart from a view of the writer's own bytes: a transport that takes one gets it only
 * that way, and one that does not gets it the usual way. With a listener, which may keep the
 * messages it sees, nothing is offered.
 */
class SendNowTest {

    private static final long WAIT_SECONDS = Await.LIMIT.toSeconds();

    private final MemoryNetwork network = new MemoryNetwork();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void aTransportThatSendsAtOnceGetsEachDataMessageAsTheConnectionsHeaderAndTheWritersBytes() throws Exception {
        NowWire wire = new NowWire(network.endpoint("client"), true); // the manager owns it and closes it
        StreamSocket[] pair = connect(wire, StreamOptions.builder());
        byte[] sent = writeAndRead(pair, 1 << 20, 1);

        assertThat(wire.taken.get()).as("data messages sent at once").isGreaterThanOrEqualTo(sent.length / Connection.MAX_DATA_PER_MESSAGE);
        assertThat(wire.headers).as("every header: client data, to the server's connection").hasSize(1);
        ByteBuffer header = wire.headers.iterator().next();
        assertThat(header.get(0)).isEqualTo((byte) MessageType.CLIENT_DATA.code());
        assertThat(header.remaining()).isEqualTo(Message.HEADER_LENGTH);
    }

    @Test
    void aTransportThatTakesNothingAtOnceGetsEveryDataMessageTheUsualWay() throws Exception {
        NowWire wire = new NowWire(network.endpoint("client"), false);
        StreamSocket[] pair = connect(wire, StreamOptions.builder());
        writeAndRead(pair, 1 << 20, 2);

        assertThat(wire.offered.get()).as("data messages offered").isGreaterThanOrEqualTo((1 << 20) / Connection.MAX_DATA_PER_MESSAGE);
        assertThat(wire.taken.get()).isZero();
    }

    @Test
    void withAListenerNothingIsOfferedForTheListenerMayKeepWhatItSees() throws Exception {
        List<Packet> seen = new ArrayList<>();
        MessageListener keeper = new MessageListener() {
            @Override
            public synchronized void sent(Destination to, Packet packet) {
                seen.add(packet);
            }
        };
        NowWire wire = new NowWire(network.endpoint("client"), true);
        StreamSocket[] pair = connect(wire, StreamOptions.builder().messageListener(keeper));
        writeAndRead(pair, 200_000, 3);

        assertThat(wire.offered.get()).isZero();
    }

    /** Writes {@code length} random bytes in 64 KiB writes, each array written over once written, and checks what is read. */
    private static byte[] writeAndRead(StreamSocket[] pair, int length, long seed) throws Exception {
        byte[] sent = new byte[length];
        new Random(seed).nextBytes(sent);
        CompletableFuture<Void> writing = Async.run(() -> {
            for (int at = 0; at < sent.length; at += 65536) {
                byte[] chunk = Arrays.copyOfRange(sent, at, Math.min(sent.length, at + 65536));
                pair[0].getOutputStream().write(chunk);
                Arrays.fill(chunk, (byte) 0xEE); // the writer's again once written
            }
            return null;
        });
        byte[] read = pair[1].getInputStream().readNBytes(sent.length);
        writing.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(Arrays.mismatch(read, sent)).as("where what was read differs from what was written").isEqualTo(-1);
        return sent;
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    private StreamSocket[] connect(Transport clientTransport, StreamOptions.Builder options) throws Exception {
        StreamOptions built = options.readTimeout(Await.LIMIT).writeTimeout(Await.LIMIT).build();
        StreamManager client = closeLater(StreamManager.open(clientTransport, built));
        StreamManager server = closeLater(StreamManager.open(network.endpoint("server"), built));
        StreamServerSocket serverSocket = server.serverSocket();
        CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Await.LIMIT));
        StreamSocket opened = client.connect(server.localDestination());
        return new StreamSocket[] {opened, accepted.get(WAIT_SECONDS, TimeUnit.SECONDS)};
    }

    /**
     * Offered messages: with {@code take}, sends a copy of the two parts made during the call, as
     * a transport that writes them at once would, and notes each header.
     */
    private static final class NowWire extends ForwardingTransport {
        final AtomicInteger offered = new AtomicInteger();
        final AtomicInteger taken = new AtomicInteger();
        final Set<ByteBuffer> headers = ConcurrentHashMap.newKeySet();
        private final boolean take;

        NowWire(Transport inner, boolean take) {
            super(inner);
            this.take = take;
        }

        @Override
        public boolean sendNow(Destination to, ByteBuffer header, ByteBuffer payload) {
            offered.incrementAndGet();
            if (!take) {
                return false;
            }
            headers.add(ByteBuffer.wrap(RecordingReceiver.bytes(header)));
            byte[] message = new byte[header.remaining() + payload.remaining()];
            ByteBuffer.wrap(message).put(header.duplicate()).put(payload.duplicate());
            try {
                inner.send(to, ByteBuffer.wrap(message).asReadOnlyBuffer());
            } catch (IOException e) {
                return false;
            }
            taken.incrementAndGet();
            return true;
        }
    }
}
