package org.ministreaming.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;

/**
 * Sends seeded random bytes one way over one connection, from a sender to a receiver
 * ({@code mem:sender} and {@code mem:receiver} on an in-memory network, two endpoints on
 * loopback TCP, or two destinations on an I2P router), and hashes them with SHA-256 at both ends.
 *
 * <p>Both managers have flow control: the sender waits whenever the receiver's window (256 KiB
 * unless {@code --receive-buffer} says otherwise) is full.
 *
 * <p>Not thread-safe: run it from one thread; the receiver gets a thread of its own.
 */
final class BulkTransfer {

    private static final int CHUNK = 64 * 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROGRESS_INTERVAL = Duration.ofMillis(100);

    /**
     * What a transfer did.
     *
     * @param bytes bytes the receiver read
     * @param nanos time from connecting until the receiver saw the end of the stream
     * @param sentHash SHA-256 of the bytes sent
     * @param receivedHash SHA-256 of the bytes received
     */
    record Result(long bytes, long nanos, byte[] sentHash, byte[] receivedHash) {

        /** Whether the receiver got exactly the bytes sent. */
        boolean hashesMatch() {
            return MessageDigest.isEqual(sentHash, receivedHash);
        }

        /** The transfer's duration in seconds. */
        double seconds() {
            return nanos / 1e9;
        }

        /** The throughput in bytes per second. */
        double bytesPerSecond() {
            return bytes / Math.max(seconds(), 1e-9);
        }
    }

    private final long size;
    private final long seed;
    private final DemoTransport.Network network;
    private final Supplier<StreamOptions.Builder> options;

    /**
     * A transfer.
     *
     * @param size bytes to send, at least 1
     * @param seed seed of the random bytes
     * @param network where the sender and the receiver live
     * @param options where both managers' options start, such as the receive limits
     */
    BulkTransfer(long size, long seed, DemoTransport.Network network, Supplier<StreamOptions.Builder> options) {
        this.size = size;
        this.seed = seed;
        this.network = network;
        this.options = options;
    }

    /**
     * Runs the transfer and closes everything it used.
     *
     * @param progress told the bytes received so far, often, on the calling thread
     * @return what happened
     * @throws IOException if connecting, sending or receiving failed; the receiver's failure
     *     when both sides failed
     */
    Result run(LongConsumer progress) throws IOException {
        StreamOptions receiverOptions = options.get().readTimeout(IDLE_TIMEOUT).build();
        StreamOptions senderOptions = options.get().connectTimeout(CONNECT_TIMEOUT).build();
        AtomicLong received = new AtomicLong();
        try (StreamManager receiver = network.open("receiver", true, receiverOptions);
             StreamManager sender = network.open("sender", false, senderOptions);
             Worker receiverSide = new Worker("demo-receiver")) {
            StreamServerSocket listening = receiver.serverSocket();
            long start = System.nanoTime();
            Future<byte[]> receiving = receiverSide.submit(() -> receive(listening, received));
            byte[] sentHash;
            try {
                sentHash = send(sender.connect(receiver.localDestination()), () -> progress.accept(received.get()));
            } catch (IOException sending) {
                throw receiverFailure(receiverSide, receiving, sending);
            }
            byte[] receivedHash;
            while ((receivedHash = receiverSide.poll(receiving, PROGRESS_INTERVAL)) == null) {
                progress.accept(received.get());
            }
            long nanos = System.nanoTime() - start;
            progress.accept(received.get());
            return new Result(received.get(), nanos, sentHash, receivedHash);
        }
    }

    /**
     * What to report when sending failed: the receiver's failure if it failed too, as it is the
     * cause (a receive limit closes the connection, and the sender sees only the close), else
     * {@code sending}. Waits for the receiver at most {@link #CONNECT_TIMEOUT}.
     */
    private static IOException receiverFailure(Worker receiverSide, Future<byte[]> receiving, IOException sending) {
        try {
            receiverSide.poll(receiving, CONNECT_TIMEOUT);
        } catch (IOException receiverFailed) {
            receiverFailed.addSuppressed(sending);
            return receiverFailed;
        }
        return sending;
    }

    private byte[] send(StreamSocket socket, Runnable afterEachChunk) throws IOException {
        MessageDigest sha = sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[CHUNK];
        try (socket; OutputStream out = socket.getOutputStream()) {
            long left = size;
            while (left > 0) {
                int n = (int) Math.min(CHUNK, left);
                random.nextBytes(chunk);
                sha.update(chunk, 0, n);
                out.write(chunk, 0, n);
                left -= n;
                afterEachChunk.run();
            }
        }
        return sha.digest();
    }

    private static byte[] receive(StreamServerSocket listening, AtomicLong received) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[CHUNK];
        try (StreamSocket socket = listening.accept(CONNECT_TIMEOUT)) {
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                sha.update(buffer, 0, n);
                received.addAndGet(n);
            }
        }
        return sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
