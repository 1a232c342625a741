package org.ministreaming.cli;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The lines that tell why tunnelled connections failed: one for the first connection that fails
 * for a reason, then the others that fail for the same reason within {@link #WINDOW} are counted
 * and told in one line once the window has passed. So a lost link with a hundred connections on
 * it, or a peer that makes many fail at once, prints two lines, not a hundred.
 *
 * <p>Thread-safe: every method holds this object's lock, printing included, so lines come whole
 * and in order.
 */
final class FailureLines {

    /** How long after a reason's first line its repeats are counted instead of printed. */
    static final Duration WINDOW = Duration.ofSeconds(1);
    /** How many reasons are counted at once; beyond, each failure has its own line. */
    static final int REASONS = 64;

    /** A reason's first line and the repeats since. */
    private static final class Group {
        final long sinceNanos;
        int more;

        Group(long sinceNanos) {
            this.sinceNanos = sinceNanos;
        }
    }

    private final Consumer<String> out;
    private final LongSupplier nanos;
    private final Map<String, Group> groups = new LinkedHashMap<>();

    /**
     * @param out told each line
     * @param nanos a monotonic clock
     */
    FailureLines(Consumer<String> out, LongSupplier nanos) {
        this.out = out;
        this.nanos = nanos;
    }

    /** Tells that the connection named {@code label} failed for {@code reason}, or counts it. */
    synchronized void failed(String label, String reason) {
        long now = nanos.getAsLong();
        tellRepeats(now, false);
        Group group = groups.get(reason);
        if (group != null) {
            group.more++;
            return;
        }
        if (groups.size() < REASONS) {
            groups.put(reason, new Group(now));
        }
        out.accept(label + ": " + reason);
    }

    /** Tells the repeats of every reason whose window has passed; called now and then. */
    synchronized void tellDue() {
        tellRepeats(nanos.getAsLong(), false);
    }

    /** Tells every repeat counted so far, window passed or not: for the end of a run. */
    synchronized void tellAll() {
        tellRepeats(nanos.getAsLong(), true);
    }

    private void tellRepeats(long now, boolean all) {
        for (Iterator<Map.Entry<String, Group>> entries = groups.entrySet().iterator(); entries.hasNext();) {
            Map.Entry<String, Group> entry = entries.next();
            Group group = entry.getValue();
            if (all || now - group.sinceNanos >= WINDOW.toNanos()) {
                entries.remove();
                if (group.more > 0) {
                    out.accept(group.more + " more connection" + (group.more == 1 ? "" : "s") + " failed the same way within "
                            + WINDOW.toSeconds() + " s: " + entry.getKey());
                }
            }
        }
    }
}
