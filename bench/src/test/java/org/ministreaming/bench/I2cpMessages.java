package org.ministreaming.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import net.i2p.I2PException;
import net.i2p.client.I2PClient;
import net.i2p.client.I2PClientFactory;
import net.i2p.client.I2PSession;
import net.i2p.client.I2PSessionException;
import net.i2p.client.I2PSessionMuxedListener;
import net.i2p.crypto.SigType;
import net.i2p.data.Destination;
import org.ministreaming.transport.i2cp.testing.I2pRouter;

/**
 * Raw I2CP messages between two bare sessions on the router (zero-hop options, reliability
 * {@code none}, I2P's defaults otherwise): what the transport itself carries, with no stream on
 * top.
 *
 * <ul>
 *   <li><b>Transfer.</b> Messages of 32 KiB of random bytes ({@code -DrawMessageBytes=} another
 *       size that divides the transfer) go from one session to the other. The
 *       router drops silently what does not fit its 256-entry queue for a client, so the sender
 *       paces itself: the receiver reports its count after every 32nd message, and the sender keeps
 *       at most 128 unreported messages in flight. If no report comes for a second, the sender asks
 *       for the count and takes what is missing as lost. The time ends when the report of the last
 *       message arrives: goodput, counted in payload bytes.</li>
 *   <li><b>"Connect".</b> There is no connection: this is the round trip of a 1-byte message and
 *       its 1-byte answer, the least any connect over I2CP can take.</li>
 * </ul>
 */
final class I2cpMessages implements Contender {

    /** The payload of a data message: 32 KiB unless {@code -DrawMessageBytes=} says otherwise. */
    static final int MESSAGE_BYTES = Integer.getInteger("rawMessageBytes", 32 * 1024);

    private static final int REPORT_EVERY = 32;
    private static final int WINDOW = 128;
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long ANSWER_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final byte DATA = 1;
    private static final byte REPORT = 2;
    private static final byte PROBE = 3;
    private static final byte ANSWER = 4;
    private static final byte PING = 5;
    private static final byte PONG = 6;

    private final byte[][] messages = new byte[REPORT_EVERY][];
    private final Sender senderSide = new Sender();
    private final Receiver receiverSide = new Receiver();
    private final I2PSession sender;
    private final I2PSession receiver;
    private long sentTotal;
    private long lostTotal;

    private final boolean gzip;

    private I2cpMessages(I2pRouter router, boolean gzip) throws IOException {
        this.gzip = gzip;
        for (int i = 0; i < messages.length; i++) {
            messages[i] = Payload.copy(i * MESSAGE_BYTES % (Payload.SIZE - MESSAGE_BYTES + 1), MESSAGE_BYTES);
            messages[i][0] = DATA;
        }
        sender = session(router, senderSide, gzip);
        try {
            receiver = session(router, receiverSide, gzip);
        } catch (IOException e) {
            destroy(sender);
            throw e;
        }
        receiverSide.replyTo = sender.getMyDestination();
    }

    /**
     * Opens both sessions on {@code router}.
     *
     * @param gzip whether I2P's client library gzips the messages (its default, {@code i2cp.gzip})
     */
    static I2cpMessages open(I2pRouter router, boolean gzip) throws IOException {
        return new I2cpMessages(router, gzip);
    }

    @Override
    public String name() {
        return gzip ? "raw I2CP messages" : "raw I2CP messages, no gzip";
    }

    @Override
    public long connectNanos() throws Exception {
        long seen = senderSide.pongs();
        long start = System.nanoTime();
        send(sender, receiver.getMyDestination(), new byte[] {PING});
        if (!senderSide.awaitPong(seen, ANSWER_LIMIT_NANOS)) {
            throw failure("no answer to a ping within " + TimeUnit.NANOSECONDS.toSeconds(ANSWER_LIMIT_NANOS) + " s");
        }
        return System.nanoTime() - start;
    }

    @Override
    public long transferNanos(long bytes) throws Exception {
        if (bytes % MESSAGE_BYTES != 0) {
            throw new IllegalArgumentException("a transfer is a whole number of " + MESSAGE_BYTES + "-byte messages: " + bytes);
        }
        long count = bytes / MESSAGE_BYTES;
        Destination to = receiver.getMyDestination();
        long base = probe();
        long sent = 0;
        long lost = 0;
        long start = System.nanoTime();
        while (true) {
            long reports = senderSide.reports();
            long arrived = senderSide.count() - base;
            if (arrived + lost >= count) {
                break;
            }
            if (sent < count && sent - arrived - lost < WINDOW) {
                send(sender, to, messages[(int) (sent % messages.length)]);
                sent++;
            } else if (!senderSide.awaitReport(reports, STALL_NANOS)) {
                lost = sent - (probe() - base);
            }
        }
        long elapsed = System.nanoTime() - start;
        sentTotal += count;
        lostTotal += lost;
        return elapsed;
    }

    @Override
    public String remarks() {
        return "its connect is the round trip of a 1-byte message; " + lostTotal + " of " + sentTotal + " data messages lost";
    }

    @Override
    public void close() {
        destroy(sender);
        destroy(receiver);
    }

    /** Asks the receiver how many data messages it has had, and waits for the answer. */
    private long probe() throws IOException, InterruptedException {
        long seen = senderSide.answers();
        send(sender, receiver.getMyDestination(), new byte[] {PROBE});
        if (!senderSide.awaitAnswer(seen, ANSWER_LIMIT_NANOS)) {
            throw failure("no answer to a probe within " + TimeUnit.NANOSECONDS.toSeconds(ANSWER_LIMIT_NANOS) + " s");
        }
        return senderSide.count();
    }

    private IOException failure(String message) {
        IOException failure = new IOException(message);
        Throwable cause = receiverSide.failure;
        if (cause != null) {
            failure.addSuppressed(cause);
        }
        return failure;
    }

    private static void send(I2PSession session, Destination to, byte[] message) throws IOException {
        try {
            session.sendMessage(to, message, 0, message.length, null, null, I2PSession.PROTO_UNSPECIFIED, 0, 0);
        } catch (I2PSessionException e) {
            throw new IOException("I2CP send failed: " + e.getMessage(), e);
        }
    }

    private static byte[] counted(byte kind, long count) {
        return ByteBuffer.allocate(9).put(kind).putLong(count).array();
    }

    private static I2PSession session(I2pRouter router, I2PSessionMuxedListener listener, boolean gzip) throws IOException {
        I2PClient client = I2PClientFactory.createClient();
        ByteArrayOutputStream keys = new ByteArrayOutputStream();
        Properties options = router.sessionOptions();
        options.setProperty(I2PClient.PROP_RELIABILITY, I2PClient.PROP_RELIABILITY_NONE);
        options.setProperty("i2cp.gzip", Boolean.toString(gzip));
        try {
            client.createDestination(keys, SigType.EdDSA_SHA512_Ed25519);
            I2PSession session = client.createSession(new ByteArrayInputStream(keys.toByteArray()), options);
            session.addMuxedSessionListener(listener, I2PSession.PROTO_ANY, I2PSession.PORT_ANY);
            session.connect();
            return session;
        } catch (I2PException | IOException e) {
            throw new IOException("no raw I2CP session with the router: " + e.getMessage(), e);
        }
    }

    private static void destroy(I2PSession session) {
        try {
            session.destroySession();
        } catch (I2PSessionException e) {
            // The benchmark is over; the router drops the session anyway when the test run ends.
        }
    }

    /** The sending session's side: counts reports, answers and pongs, and lets the benchmark wait for them. */
    private static final class Sender extends Listener {
        private long count;
        private long reports;
        private long answers;
        private long pongs;

        @Override
        synchronized void onMessage(I2PSession session, byte[] message) {
            if (message[0] == REPORT || message[0] == ANSWER) {
                count = Math.max(count, ByteBuffer.wrap(message, 1, 8).getLong());
                reports++;
                if (message[0] == ANSWER) {
                    answers++;
                }
            } else if (message[0] == PONG) {
                pongs++;
            }
            notifyAll();
        }

        synchronized long count() {
            return count;
        }

        synchronized long reports() {
            return reports;
        }

        synchronized long answers() {
            return answers;
        }

        synchronized long pongs() {
            return pongs;
        }

        synchronized boolean awaitReport(long seen, long nanos) throws InterruptedException {
            return await(() -> reports > seen, nanos);
        }

        synchronized boolean awaitAnswer(long seen, long nanos) throws InterruptedException {
            return await(() -> answers > seen, nanos);
        }

        synchronized boolean awaitPong(long seen, long nanos) throws InterruptedException {
            return await(() -> pongs > seen, nanos);
        }

        private boolean await(BooleanSupplier done, long nanos) throws InterruptedException {
            long deadline = System.nanoTime() + nanos;
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    /** The receiving session's side: counts data messages, reports, answers probes and pings. */
    private static final class Receiver extends Listener {
        private final AtomicLong arrived = new AtomicLong();
        private volatile Destination replyTo;
        private volatile Throwable failure;

        @Override
        void onMessage(I2PSession session, byte[] message) {
            try {
                if (message[0] == DATA) {
                    long count = arrived.incrementAndGet();
                    if (count % REPORT_EVERY == 0) {
                        send(session, replyTo, counted(REPORT, count));
                    }
                } else if (message[0] == PROBE) {
                    send(session, replyTo, counted(ANSWER, arrived.get()));
                } else if (message[0] == PING) {
                    send(session, replyTo, new byte[] {PONG});
                }
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    /** Hands each message's bytes to {@link #onMessage}; ignores everything else I2CP reports. */
    private abstract static class Listener implements I2PSessionMuxedListener {

        abstract void onMessage(I2PSession session, byte[] message);

        @Override
        public void messageAvailable(I2PSession session, int id, long size, int protocol, int fromPort, int toPort) {
            try {
                byte[] message = session.receiveMessage(id);
                if (message != null && message.length > 0) {
                    onMessage(session, message);
                }
            } catch (I2PSessionException e) {
                // A message that cannot be read counts as lost, like one the router dropped.
            }
        }

        @Override
        public void messageAvailable(I2PSession session, int id, long size) {
            messageAvailable(session, id, size, I2PSession.PROTO_UNSPECIFIED, 0, 0);
        }

        @Override
        public void reportAbuse(I2PSession session, int severity) {
        }

        @Override
        public void disconnected(I2PSession session) {
        }

        @Override
        public void errorOccurred(I2PSession session, String message, Throwable error) {
        }
    }
}
