package org.ministreaming.transport.i2cp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.TransportThreads;

/**
 * The I2CP transport's work that must not run on the caller's thread, done by one sender thread
 * ({@code ministreaming-i2cp-sender-...}): replies, because {@code I2PSession.sendMessage} may
 * wait for the router (and compresses), and the news that a peer is lost, because a send that
 * finds the session down must not call the layer above from inside a downward call.
 *
 * <p>Replies wait in a queue bounded in bytes ({@link #LIMIT_BYTES}); an empty queue takes one of
 * any size. A reply that finds the queue full is dropped: I2CP is best effort, and the reliable
 * layer above sends a numbered frame again. Loss notices are kept once per peer until delivered.
 *
 * <p>Thread-safe: one lock guards the queue and the notices.
 */
final class Outbox {

    /** Bytes of replies that may wait for the sender thread: 1 MiB. */
    static final long LIMIT_BYTES = 1 << 20;

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

    /** One reply, ready for {@code sendMessage}. */
    record Reply(Destination to, net.i2p.data.Destination target, byte[] bytes, int protocol) {
    }

    /** Sends one reply; failures are the sender's to log. */
    interface Sender {
        void send(Reply reply);
    }

    /** Tells the layer above that a peer is lost. */
    interface LossReporter {
        void lost(Destination peer, IOException cause);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Reply> replies = new ArrayDeque<>();
    private final Map<Destination, IOException> losses = new LinkedHashMap<>();
    private final Sender sender;
    private final LossReporter reporter;
    private final Thread thread;
    private long queuedBytes;
    private long dropped;
    private boolean finishing;

    Outbox(String name, Sender sender, LossReporter reporter) {
        this.sender = sender;
        this.reporter = reporter;
        this.thread = new Thread(this::run, "ministreaming-i2cp-sender-" + name);
        this.thread.setDaemon(true);
    }

    /** Starts the sender thread. Called once. */
    void start() {
        thread.start();
    }

    /**
     * Queues a reply for the sender thread, without waiting.
     *
     * @return {@code false} if it was dropped: the queue is full, or the outbox is finishing
     */
    boolean offer(Reply reply) {
        lock.lock();
        try {
            if (finishing || queuedBytes > 0 && queuedBytes + reply.bytes().length > LIMIT_BYTES) {
                dropped++;
                return false;
            }
            replies.addLast(reply);
            queuedBytes += reply.bytes().length;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Has the sender thread tell the layer above that {@code peer} is lost, once until it has. */
    void reportLost(Destination peer, IOException cause) {
        lock.lock();
        try {
            if (!finishing) {
                losses.putIfAbsent(peer, cause);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Replies dropped because the queue was full or closing. */
    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of replies waiting now. */
    long queuedBytes() {
        lock.lock();
        try {
            return queuedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Takes no more work; the thread sends what is queued, then ends. Returns once it has. */
    void finishAndJoin() {
        lock.lock();
        try {
            finishing = true;
            losses.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        TransportThreads.joinUninterruptibly(thread);
    }

    private void run() {
        while (true) {
            Map<Destination, IOException> lost;
            Reply next;
            lock.lock();
            try {
                while (replies.isEmpty() && losses.isEmpty() && !finishing) {
                    changed.awaitUninterruptibly();
                }
                if (replies.isEmpty() && losses.isEmpty()) {
                    return;
                }
                lost = Map.copyOf(losses);
                losses.clear();
                next = replies.pollFirst();
                if (next != null) {
                    queuedBytes -= next.bytes().length;
                }
            } finally {
                lock.unlock();
            }
            lost.forEach(this::report);
            if (next != null) {
                try {
                    sender.send(next);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "sending a reply to " + next.to() + " failed", e);
                }
            }
        }
    }

    private void report(Destination peer, IOException cause) {
        try {
            reporter.lost(peer, cause);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the receiver failed on losing " + peer, e);
        }
    }
}
