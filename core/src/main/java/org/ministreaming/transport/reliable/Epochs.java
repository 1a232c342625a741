package org.ministreaming.transport.reliable;

import java.util.Arrays;
import java.util.Random;

/**
 * The two epochs of one peer's pair of streams: ours (never 0), and the peer's as we last
 * accepted it (0 until we have), with the last few epochs of the peer that we retired, so that a
 * frame from a stream we gave up on is recognised as stale. See protocol.md, "Reliable delivery
 * layer".
 *
 * <p>Not thread-safe: guarded by its {@link Peer}'s lock.
 */
final class Epochs {

    private static final int RETIRED = 4;

    private final Random random;
    private final int[] retired = new int[RETIRED];
    private int retiredNext;
    private int local;
    private int remote;

    /**
     * The epochs of a peer met afresh, or resumed after this endpoint forgot it.
     *
     * @param forgotten the peer's epochs from before this endpoint forgot it, retired from the
     *     start, or the current one last if {@code resumeLocal} is not 0
     * @param resumeLocal our epoch to resume, or 0 to draw the first local epoch from {@code random}
     */
    Epochs(Random random, int[] forgotten, int resumeLocal) {
        this.random = random;
        int retiring = resumeLocal != 0 ? forgotten.length - 1 : forgotten.length;
        for (int i = Math.max(0, retiring - RETIRED); i < retiring; i++) {
            retire(forgotten[i]);
        }
        this.remote = resumeLocal != 0 ? forgotten[retiring] : 0;
        this.local = resumeLocal != 0 ? resumeLocal : draw(0);
    }

    /** The peer's epochs we know, retired ones first and the current one last, none of them 0. */
    int[] remoteEpochs() {
        int[] known = new int[RETIRED + 1];
        int n = 0;
        for (int i = 0; i < RETIRED; i++) {
            int old = retired[(retiredNext + i) % RETIRED];
            if (old != 0) {
                known[n++] = old;
            }
        }
        if (remote != 0) {
            known[n++] = remote;
        }
        return Arrays.copyOf(known, n);
    }

    int local() {
        return local;
    }

    /** The peer's epoch, or 0 if none was accepted yet. */
    int remote() {
        return remote;
    }

    /** Accepts the peer's first epoch. */
    void adopt(int epoch) {
        remote = epoch;
    }

    /**
     * Starts both streams afresh: the peer's epoch is retired, ours is drawn anew.
     *
     * @param adopt the peer's epoch to accept from now on, or 0 to wait for its next one
     */
    void renew(int adopt) {
        if (remote != 0) {
            retire(remote);
        }
        local = draw(local);
        remote = adopt;
    }

    /** The peer's stream restarted under {@code epoch} while ours goes on: its old epoch is retired. */
    void replaceRemote(int epoch) {
        retire(remote);
        remote = epoch;
    }

    /** Whether {@code epoch} is one of the peer's that we retired. */
    boolean isRetired(int epoch) {
        for (int old : retired) {
            if (old == epoch && old != 0) {
                return true;
            }
        }
        return false;
    }

    private int draw(int previous) {
        int epoch;
        do {
            epoch = random.nextInt();
        } while (epoch == 0 || epoch == previous || isRetired(epoch));
        return epoch;
    }

    private void retire(int epoch) {
        retired[retiredNext] = epoch;
        retiredNext = (retiredNext + 1) % RETIRED;
    }
}
