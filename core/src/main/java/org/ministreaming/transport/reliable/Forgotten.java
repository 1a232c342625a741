package org.ministreaming.transport.reliable;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ministreaming.transport.Destination;

/**
 * What a {@link ReliableTransport} keeps of the peers it forgot ({@link Memory}): their epochs, so
 * that a straggler of a stream given up on is known as stale instead of being taken as the start
 * of a new stream, and where both streams stood, so that a peer that kept its state for us (its
 * acknowledgement of our last frame was lost, or it simply did not forget us yet) resumes them
 * instead of being reset; and the shortest round trip and the highest delivery rate measured,
 * which the next meeting starts from. Bounded: it holds the last {@link #CAPACITY} peers
 * forgotten, a few numbers each; a peer that comes back takes its entry.
 *
 * <p>Thread-safe: its monitor guards everything.
 */
final class Forgotten {

    /** How many forgotten peers are remembered. */
    static final int CAPACITY = 4096;

    /**
     * What is kept of one forgotten peer.
     *
     * @param remoteEpochs the peer's epochs, retired ones first, the current one (if any) last
     * @param localEpoch our epoch towards a reliable peer whose epoch we had accepted, else 0: the
     *     streams can be resumed only then
     * @param sendNext the sequence number our next frame would have had (all before it acknowledged)
     * @param receiveNext the sequence number we expected next from the peer (all before it delivered)
     * @param shortestRtt the shortest round trip measured to the peer in nanoseconds, -1 if none
     * @param deliveryRate the highest delivery rate measured to the peer with more to send, bytes
     *     per second, 0 if none
     */
    record Memory(int[] remoteEpochs, int localEpoch, int sendNext, int receiveNext, long shortestRtt, double deliveryRate) {

        /** Nothing remembered. */
        static final Memory NONE = new Memory(new int[0], 0, 0, 0, -1, 0);

        /**
         * Whether {@code frame}, the first from the peer since it was forgotten, belongs to the
         * streams as they stood: not a reset, from the peer's current epoch, and addressed to ours
         * (or to none, sent before the peer heard from us).
         */
        boolean resumedBy(Frame frame) {
            return localEpoch != 0 && !frame.isReset() && frame.senderEpoch() == remoteEpochs[remoteEpochs.length - 1]
                    && (frame.receiverEpoch() == localEpoch || frame.receiverEpoch() == 0);
        }
    }

    private final Map<Destination, Memory> memories = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Destination, Memory> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Remembers a forgotten peer; nothing if it has no epoch to remember. */
    synchronized void remember(Destination peer, Memory memory) {
        if (memory.remoteEpochs().length > 0) {
            memories.put(peer, memory);
        }
    }

    /** Takes what is remembered of {@code peer}, or {@link Memory#NONE}. */
    synchronized Memory take(Destination peer) {
        Memory known = memories.remove(peer);
        return known == null ? Memory.NONE : known;
    }

    /** How many peers are remembered, for tests. */
    synchronized int size() {
        return memories.size();
    }
}
