package org.ministreaming.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;

/**
 * A child JVM running {@code ministreaming server} in front of a service, for the siege tests:
 * its destination (and certificate fingerprint over TLS), and its threads, sockets and RSS read
 * from /proc (Linux), with the baseline they must return to after each attack. Used by one test
 * thread.
 */
final class SiegedServer implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on ((tcp|tls)://\\S+)");
    private static final Pattern FINGERPRINT = Pattern.compile("certificate fingerprint \\(SHA-256, for --pin\\): (\\S+)");

    private final Process child;
    private final Destination destination;
    private final String fingerprint;
    private final int threadSlack;
    private final int socketSlack;
    private int baseThreads;
    private int baseSockets;
    private int peakThreads;
    private long peakRssKib;

    private SiegedServer(Process child, Destination destination, String fingerprint, int threadSlack, int socketSlack) {
        this.child = child;
        this.destination = destination;
        this.fingerprint = fingerprint;
        this.threadSlack = threadSlack;
        this.socketSlack = socketSlack;
    }

    /**
     * Starts {@code ministreaming server --listen LISTEN --forward 127.0.0.1:SERVICE OPTIONS} in a
     * child JVM with {@code heap}, and waits until it listens; its output is read on {@code threads}.
     *
     * @param threadSlack threads the child may hold above its baseline once an attack is over
     * @param socketSlack sockets likewise
     */
    static SiegedServer start(String heap, String listen, int servicePort, List<String> options, Executor threads,
            int threadSlack, int socketSlack) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap,
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "server",
                "--listen", listen, "--forward", "127.0.0.1:" + servicePort));
        command.addAll(options);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        Lines output = new Lines();
        threads.execute(() -> {
            try (Reader reader = new InputStreamReader(child.getInputStream(), US_ASCII)) {
                reader.transferTo(output);
            } catch (IOException ended) {
                // the child is gone
            }
        });
        try {
            String fingerprint = listen.startsWith("tls:") ? output.await(FINGERPRINT, Duration.ofSeconds(60)).group(1) : null;
            Matcher listening = output.await(LISTENING, Duration.ofSeconds(60));
            return new SiegedServer(child, Destination.of(listening.group(1)), fingerprint, threadSlack, socketSlack);
        } catch (AssertionError | InterruptedException e) {
            child.destroyForcibly();
            throw e;
        }
    }

    /** Where the server listens. */
    Destination destination() {
        return destination;
    }

    /** Its socket address. */
    InetSocketAddress address() {
        URI uri = URI.create(destination.uri());
        return new InetSocketAddress(uri.getHost(), uri.getPort());
    }

    /** The fingerprint of its certificate, for a TLS server. */
    String fingerprint() {
        return fingerprint;
    }

    /** Whether the child still runs. */
    boolean isAlive() {
        return child.isAlive();
    }

    /** Takes the child's threads and sockets now as the baseline, once it has settled. */
    void settled() {
        baseThreads = threads();
        baseSockets = sockets();
    }

    /** The threads the child has now. */
    int threads() {
        return (int) status("Threads:");
    }

    /** Whether the child's threads are back near their baseline. */
    boolean threadsAtBaseline() {
        return threads() <= baseThreads + threadSlack;
    }

    /** Notes the child's threads and RSS now, at an attack's peak. */
    void notePeak() {
        peakThreads = Math.max(peakThreads, threads());
        peakRssKib = Math.max(peakRssKib, status("VmRSS:"));
    }

    /** Says on stdout, for the log, what the attack cost at its peak and how long it took, and forgets the peak. */
    void report(String attack, long startNanos) {
        System.out.printf("siege: %s: peak %d threads, %d MiB RSS (baseline %d threads); over and given back in %.1f s%n",
                attack, peakThreads, peakRssKib / 1024, baseThreads, (System.nanoTime() - startNanos) / 1e9);
        peakThreads = 0;
        peakRssKib = 0;
    }

    /** Waits until the child's threads and sockets are back near their baseline after {@code after}. */
    void assertBackToBaseline(String after) {
        Await.until(() -> "the child's threads back near " + baseThreads + " after " + after + ", now " + threads(),
                this::threadsAtBaseline);
        Await.until(() -> "the child's sockets back near " + baseSockets + " after " + after + ", now " + sockets(),
                () -> sockets() <= baseSockets + socketSlack);
    }

    /** Reads {@code socket} until the server closes it, failing if it does not within {@link Await#LIMIT}. */
    static void assertClosedByServer(Socket socket) throws IOException {
        socket.setSoTimeout((int) Await.LIMIT.toMillis());
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // the server's hello
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close " + socket + " within " + Await.LIMIT.toSeconds() + " s");
        } catch (IOException reset) {
            // a reset closes it as well
        }
    }

    /** The hello of a peer that does not listen, framed: what an attacker says to be admitted. */
    static final byte[] HELLO = frame("MINISTREAMING/1 -".getBytes(US_ASCII));

    /** {@code payload} as one frame of the link: a 4-byte length, then the bytes. */
    static byte[] frame(byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    /** A number from the child's /proc status, such as {@code Threads:} or {@code VmRSS:} (KiB). */
    private long status(String field) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(child.pid()), "status")).stream()
                    .filter(line -> line.startsWith(field))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
                    .findFirst().orElseThrow();
        } catch (IOException e) {
            throw new AssertionError("the child is gone: " + e);
        }
    }

    private int sockets() {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(child.pid()), "fd"))) {
            return (int) fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            throw new AssertionError("the child is gone: " + e);
        }
    }

    /** Stops the child and waits for it. */
    @Override
    public void close() throws InterruptedException {
        child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(child.isAlive()).as("the child stopped").isFalse();
    }
}
