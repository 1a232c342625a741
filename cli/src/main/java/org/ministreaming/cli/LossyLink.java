package org.ministreaming.cli;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.LinkFaults;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.memory.MemoryTransport;
import org.ministreaming.transport.reliable.ReliableCounter;
import org.ministreaming.transport.reliable.ReliableTransport;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The demo's link options: faults for the in-memory network ({@code --drop}, {@code --duplicate},
 * {@code --reorder}) and the reliable delivery layer that makes the streams come out intact
 * anyway, always used when a fault is set ({@code --reliable} uses it on a perfect link too).
 * A picocli mixin; it also builds the network, wraps the endpoints and adds up their counters.
 *
 * <p>Not thread-safe for the options (picocli fills them once); {@link #wrap} and
 * {@link #summary} may be called from any thread.
 */
final class LossyLink {

    /** Retries before a peer counts as lost: at 30% loss each way a round trip fails half the time, and 21 tries all fail once in a million. */
    static final int MAX_RETRIES = 20;

    @Option(names = "--drop", paramLabel = "PCT", defaultValue = "0", converter = Percent.class,
            description = "Drop this percentage of the messages on the in-memory link (0-100). Default: ${DEFAULT-VALUE}.")
    private double drop;

    @Option(names = "--duplicate", paramLabel = "PCT", defaultValue = "0", converter = Percent.class,
            description = "Deliver this percentage of the messages twice (0-100). Default: ${DEFAULT-VALUE}.")
    private double duplicate;

    @Option(names = "--reorder", paramLabel = "N", defaultValue = "0", converter = Window.class,
            description = "Let a message overtake up to N-1 others waiting on the link (0 or 1 keeps the order). Default: ${DEFAULT-VALUE}.")
    private int reorder;

    @Option(names = "--reliable",
            description = "Run the transfer through the reliable delivery layer even without faults (any fault turns it on).")
    private boolean reliable;

    private final List<ReliableTransport> wrapped = new CopyOnWriteArrayList<>();

    /** A perfect link without the reliable layer: what the demo does without these options. */
    static LossyLink perfect() {
        return new LossyLink();
    }

    /** Whether the endpoints are wrapped in the reliable delivery layer. */
    boolean reliable() {
        return reliable || faulty();
    }

    private boolean faulty() {
        return drop > 0 || duplicate > 0 || reorder > 1;
    }

    /** A new in-memory network with these faults. */
    MemoryNetwork network() {
        MemoryNetwork network = new MemoryNetwork();
        network.setFaults(new LinkFaults(Duration.ZERO, drop, duplicate, reorder));
        return network;
    }

    /** {@code endpoint} as the demo uses it: wrapped in the reliable layer if {@link #reliable()}. */
    Transport wrap(MemoryTransport endpoint) {
        if (!reliable()) {
            return endpoint;
        }
        ReliableTransport transport = ReliableTransport.builder(endpoint)
                .minRto(Duration.ofMillis(20))
                .initialRto(Duration.ofMillis(100))
                .maxRto(Duration.ofSeconds(1))
                .maxRetries(MAX_RETRIES)
                .ackDelay(Duration.ofMillis(2))
                .build();
        wrapped.add(transport);
        return transport;
    }

    /** One line on the link, for the transfer's header. */
    String describe() {
        if (!faulty()) {
            return "over a perfect link, through the reliable delivery layer";
        }
        return String.format(Locale.ROOT, "over a lossy link (drop %s%%, duplicate %s%%, reorder within %d), through the reliable delivery layer",
                number(drop), number(duplicate), reorder);
    }

    /** What the reliable layer did at both ends: {@code retransmitted N messages, discarded M duplicates}. */
    String summary() {
        long retransmitted = 0;
        long duplicates = 0;
        for (ReliableTransport transport : wrapped) {
            retransmitted += transport.statistics().get(ReliableCounter.RETRANSMITTED);
            duplicates += transport.statistics().get(ReliableCounter.DUPLICATES_DISCARDED);
        }
        return "retransmitted " + retransmitted + " messages, discarded " + duplicates + " duplicates";
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** A percentage, 0 to 100. */
    static final class Percent implements ITypeConverter<Double> {
        @Override
        public Double convert(String text) {
            double value;
            try {
                value = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + text + "' is not a percentage");
            }
            if (!(value >= 0 && value <= 100)) {
                throw new TypeConversionException("a percentage is 0 to 100, not " + text);
            }
            return value;
        }
    }

    /** A reorder window, 0 or more messages. */
    static final class Window implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            int value;
            try {
                value = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + text + "' is not a number of messages");
            }
            if (value < 0) {
                throw new TypeConversionException("the reorder window is 0 or more messages, not " + text);
            }
            return value;
        }
    }
}
