package org.ministreaming.transport.memory;

import java.time.Duration;
import java.util.Objects;

/**
 * Faults the in-memory network applies to every message it carries: a delay, random drops,
 * duplicates and reordering. For tests and demonstrations; the default is {@link #NONE}, a
 * perfect link.
 *
 * <p>Immutable and thread-safe.
 *
 * @param delay how long each message takes to arrive
 * @param dropPercent chance in percent (0-100) that a message is lost
 * @param duplicatePercent chance in percent (0-100) that a message arrives twice
 * @param reorderWindow 0 or 1 for order kept; N to let a message overtake up to N-1 queued ones
 */
public record LinkFaults(Duration delay, double dropPercent, double duplicatePercent, int reorderWindow) {

    /** A perfect link: no delay, nothing lost, duplicated or reordered. */
    public static final LinkFaults NONE = new LinkFaults(Duration.ZERO, 0, 0, 0);

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if a percentage is outside 0-100 or a value is negative
     */
    public LinkFaults {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        checkPercent("dropPercent", dropPercent);
        checkPercent("duplicatePercent", duplicatePercent);
        if (reorderWindow < 0) {
            throw new IllegalArgumentException("reorderWindow must be >= 0: " + reorderWindow);
        }
    }

    private static void checkPercent(String name, double value) {
        if (!(value >= 0 && value <= 100)) {
            throw new IllegalArgumentException(name + " must be 0-100: " + value);
        }
    }

    /** These faults with a different delay. */
    public LinkFaults withDelay(Duration newDelay) {
        return new LinkFaults(newDelay, dropPercent, duplicatePercent, reorderWindow);
    }

    /** These faults with a different drop chance. */
    public LinkFaults withDropPercent(double percent) {
        return new LinkFaults(delay, percent, duplicatePercent, reorderWindow);
    }

    /** These faults with a different duplicate chance. */
    public LinkFaults withDuplicatePercent(double percent) {
        return new LinkFaults(delay, dropPercent, percent, reorderWindow);
    }

    /** These faults with a different reorder window. */
    public LinkFaults withReorderWindow(int window) {
        return new LinkFaults(delay, dropPercent, duplicatePercent, window);
    }
}
