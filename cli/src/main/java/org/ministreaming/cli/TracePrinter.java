package org.ministreaming.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ministreaming.MessageListener;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.MalformedMessageException;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.Packet;
import org.ministreaming.wire.TraceFormat;

/**
 * {@code --trace}: prints every message a manager sends and receives, one line each, prefixed by
 * the peer's destination (an I2P peer's by its {@code .b32.i2p} name), in the seed's notation
 * with a comment, for example {@code tcp://127.0.0.1:7000 C->S A0 12 34 56 68 69 (data, 2 bytes)}.
 *
 * <p>The engine calls the listener on its sending threads and on the receive path, which must
 * never wait. So a call only formats the line and offers it to a bounded queue; a printer thread
 * ({@code ministreaming-trace}) writes the lines. When the printer falls behind, lines are dropped
 * and a line saying how many replaces them.
 *
 * <p>Thread-safe. {@link #close} prints what is queued and stops the printer.
 */
final class TracePrinter implements MessageListener, AutoCloseable {

    private static final int CAPACITY = 8192;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    /** Width of the notation column, as in the demo's traces. */
    private static final int NOTATION_WIDTH = 47;
    /** Tells the printer to stop; compared by identity, so no trace line can be mistaken for it. */
    private static final String STOP = new String("stop");

    private final PrintWriter err;
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread printer;

    /**
     * A printer, running from now on.
     *
     * @param err where the lines go
     */
    TracePrinter(PrintWriter err) {
        this.err = err;
        this.printer = new Thread(this::print, "ministreaming-trace");
        printer.setDaemon(true);
        printer.start();
    }

    /** Prints a message the manager sent. */
    @Override
    public void sent(Destination to, Packet packet) {
        offer(to, TraceFormat.format(packet), TraceFormat.describe(packet));
    }

    /** Prints a message or chaff the manager received. */
    @Override
    public void received(Destination from, Packet packet) {
        offer(from, TraceFormat.format(packet), TraceFormat.describe(packet));
    }

    /** Prints bytes the manager received that are no message. */
    @Override
    public void malformed(Destination from, byte[] bytes, MalformedMessageException problem) {
        String shown = HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes, 0, Math.min(bytes.length, Message.HEADER_LENGTH));
        offer(from, shown + (bytes.length > Message.HEADER_LENGTH ? "..." : ""), "malformed: " + problem.getMessage());
    }

    private void offer(Destination peer, String notation, String comment) {
        String line = DestinationNames.brief(peer) + " " + String.format("%-" + NOTATION_WIDTH + "s (%s)", notation, comment);
        if (!lines.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    private void print() {
        try {
            while (true) {
                String line = lines.take();
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    err.println("(" + lost + " trace lines dropped: the printer fell behind)");
                }
                if (line == STOP) {
                    break;
                }
                err.println(line);
                if (lines.isEmpty()) {
                    err.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        err.flush();
    }

    /** Prints the lines queued so far and stops the printer, waiting a bounded time for it. Idempotent. */
    @Override
    public void close() {
        try {
            if (printer.isAlive() && !lines.offer(STOP, STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                printer.interrupt();
            }
            printer.join(STOP_TIMEOUT.toMillis());
            if (printer.isAlive()) {
                printer.interrupt();
                printer.join(STOP_TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
