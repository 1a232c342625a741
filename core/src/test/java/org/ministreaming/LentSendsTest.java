package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
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
 * How a writer's data messages reach the transport. The full ones of each write are offered first
 * to {@link Transport#sendNow} as a run, the connection's data header apart from a view of the
 * writer's own bytes (by default piece by piece, one message at a time): a transport that takes
 * one gets it only that way. Otherwise full data messages are lent
 * ({@link Transport#sendLent}) in arrays the engine reuses once the transport says it has copied
 * them: never earlier, so what the transport reads of a lent message stays as it was when it was
 * sent, however long it waits. With a listener, which may keep the messages it sees, nothing is
 * offered or lent.
 */
class LentSendsTest {

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
    void aLentMessageIsNotWrittenOverBeforeTheTransportGivesItBackAndTheBytesArriveIntact() throws Exception {
        SlowWire wire = new SlowWire(network.endpoint("client")); // the manager owns it and closes it
        StreamSocket[] pair = connect(wire, StreamOptions.builder());
        byte[] sent = new byte[4 << 20];
        new Random(1).nextBytes(sent);

        CompletableFuture<Void> writing = Async.run(() -> {
            pair[0].getOutputStream().write(sent);
            pair[0].close();
            return null;
        });
        byte[] read = readAll(pair[1].getInputStream());
        writing.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(Arrays.mismatch(read, sent)).as("where what was read differs from what was written").isEqualTo(-1);
        assertThat(wire.lent.get()).as("full messages lent").isGreaterThanOrEqualTo(sent.length / 32768);
        assertThat(wire.changedBeforeGivenBack.get()).as("lent messages written over before they were given back").isZero();
    }

    @Test
    void withAListenerNothingIsLentForTheListenerMayKeepWhatItSees() throws Exception {
        MessageListener keeper = keeping(new ArrayList<>());
        SlowWire wire = new SlowWire(network.endpoint("client")); // the manager owns it and closes it
        StreamSocket[] pair = connect(wire, StreamOptions.builder().messageListener(keeper));
        byte[] sent = new byte[200_000];
        new Random(2).nextBytes(sent);
        CompletableFuture<Void> writing = Async.run(() -> {
            pair[0].getOutputStream().write(sent);
            return null;
        });
        assertThat(Arrays.mismatch(pair[1].getInputStream().readNBytes(sent.length), sent)).isEqualTo(-1);
        writing.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(wire.lent.get()).isZero();
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

        // Each write's run of full messages is offered, piece by piece until the first refusal.
        assertThat(wire.offered.get()).as("runs offered").isGreaterThanOrEqualTo((1 << 20) / 65536);
        assertThat(wire.taken.get()).isZero();
    }

    @Test
    void aTransportThatTakesRunsGetsTheFullMessagesOfAWriteInRunsOfAtMostFourAndTheRestTheUsualWay() throws Exception {
        RunWire wire = new RunWire(network.endpoint("client")); // the manager owns it and closes it
        StreamSocket[] pair = connect(wire, StreamOptions.builder());
        int max = Connection.MAX_DATA_PER_MESSAGE;
        byte[] sent = new byte[6 * max + 100]; // within the first window: no wait for credit splits a run
        new Random(4).nextBytes(sent);

        pair[0].getOutputStream().write(sent.clone());
        byte[] read = pair[1].getInputStream().readNBytes(sent.length);

        assertThat(Arrays.mismatch(read, sent)).as("where what was read differs from what was written").isEqualTo(-1);
        assertThat(wire.runs).as("bytes of each run offered").containsExactly(4 * max, 2 * max);
    }

    @Test
    void withAListenerNothingIsOfferedForTheListenerMayKeepWhatItSees() throws Exception {
        MessageListener keeper = keeping(new ArrayList<>());
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

    /** A listener that keeps every message it sees, as a listener may. */
    private static MessageListener keeping(List<Packet> seen) {
        return new MessageListener() {
            @Override
            public synchronized void sent(Destination to, Packet packet) {
                seen.add(packet);
            }
        };
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

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        in.transferTo(read);
        return read.toByteArray();
    }

    /**
     * Takes loans and carries them later, on a thread of its own, as a link's writer would: it
     * keeps a copy of each lent message as it was sent, and when it gets to the message it checks
     * the lent bytes against that copy, sends the copy on and only then gives the loan back.
     */
    private static final class SlowWire extends ForwardingTransport {
        private record Loan(Destination to, ByteBuffer lent, byte[] asSent, Runnable sent) {
        }

        final AtomicInteger lent = new AtomicInteger();
        final AtomicInteger changedBeforeGivenBack = new AtomicInteger();
        private final BlockingQueue<Loan> loans = new LinkedBlockingQueue<>();
        private final Thread carrier = new Thread(this::carry, "test-slow-wire");

        SlowWire(Transport inner) {
            super(inner);
            carrier.setDaemon(true);
            carrier.start();
        }

        @Override
        public void sendLent(Destination to, ByteBuffer message, Runnable sent) {
            lent.incrementAndGet();
            loans.add(new Loan(to, message, RecordingReceiver.bytes(message), sent));
        }

        /** Behind the loans, as a link's queue keeps order; replies still go at once, as they may. */
        @Override
        public void send(Destination to, ByteBuffer message) {
            loans.add(new Loan(to, message, RecordingReceiver.bytes(message), () -> { }));
        }

        private void carry() {
            try {
                while (true) {
                    Loan loan = loans.take();
                    Thread.yield(); // give the writer a chance to write over the loan, if it would
                    if (!ByteBuffer.wrap(loan.asSent()).equals(loan.lent())) {
                        changedBeforeGivenBack.incrementAndGet();
                    }
                    try {
                        inner.send(loan.to(), ByteBuffer.wrap(loan.asSent()).asReadOnlyBuffer());
                    } catch (IOException e) {
                        return;
                    }
                    loan.sent().run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            carrier.interrupt();
            try {
                carrier.join(Await.LIMIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.close();
        }
    }

    /** Takes every run offered: notes its length and sends its messages on, copied during the call. */
    private static final class RunWire extends ForwardingTransport {
        final List<Integer> runs = new CopyOnWriteArrayList<>();

        RunWire(Transport inner) {
            super(inner);
        }

        @Override
        public int sendNow(Destination to, ByteBuffer header, ByteBuffer payload, int piece) {
            runs.add(payload.remaining());
            for (int from = payload.position(); from < payload.limit(); from += piece) {
                ByteBuffer message = ByteBuffer.allocate(header.remaining() + Math.min(piece, payload.limit() - from));
                message.put(header.duplicate()).put(payload.slice(from, message.remaining())).flip();
                try {
                    inner.send(to, message.asReadOnlyBuffer());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return payload.remaining();
        }
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
