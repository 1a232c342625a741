package org.ministreaming.transport.tcp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.ministreaming.transport.TransportThreads;

/**
 * The one thread that serves every TCP link of a transport ({@link ChannelLink}), plain or TLS: a
 * selector that reads the links' sockets and hands their messages to the receiver, writes what
 * is queued on them (as soon as it is queued, and again when a full socket has room), does TLS
 * handshakes ({@link TlsChannel}; the engines' CPU-heavy tasks go to a handshake thread, which
 * exists only while there are handshakes), checks the links' read deadlines (hello, frame, idle)
 * as they come due, and reports each link's end to the transport. Other threads ask it for things through queues and {@link Selector#wakeup}.
 * With busy polling ({@link TcpTransportBuilder#busyPoll}) it looks at the sockets without
 * sleeping for that long after its last work, then sleeps in the selector again.
 *
 * <p>The loop survives whatever one link's handling throws (that link fails) and whatever one
 * round throws (logged, then it goes on after {@value #RETRY_MILLIS} ms).
 *
 * <p>Thread-safe: {@link #register}, {@link #wantFlush}, {@link #end} and {@link #close} may be
 * called from any thread.
 */
final class LinkLoop implements Runnable {

    /**
     * How many read buffers may be out on loan at once, over all links, pinned by frames held
     * unread: as many as this divided by the link buffer size, 8 MiB (16 buffers of the default
     * size, 9 MiB with the longest frame each holds beyond it), and at least {@value #MIN_LOANS}.
     */
    static final int LOANED_BYTES = 8 << 20;

    private static final int MIN_LOANS = 4;

    /**
     * Pooled buffers kept while nobody uses them, beyond as many as may come back from loan at
     * once, as readers catch up, to be wanted again as the link reads on (a fresh direct buffer
     * costs its zeroing: with fewer kept, a tenth of the loop's time with four streams).
     */
    private static final int BUFFERS_KEPT = 16;

    /** Longest sleep between deadline checks. */
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final long RETRY_MILLIS = 100;

    private static final long HANDSHAKE_IDLE_SECONDS = 5;

    private static final System.Logger LOG = System.getLogger(TcpTransport.class.getName());

    private final Selector selector;
    private final DirectBuffers buffers;
    private final Queue<ChannelLink> registering = new ConcurrentLinkedQueue<>();
    private final Queue<ChannelLink> ending = new ConcurrentLinkedQueue<>();
    private final Queue<ChannelLink> flushes = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    /** Runs the TLS engines' delegated tasks; its one thread ends after {@value #HANDSHAKE_IDLE_SECONDS} s without work. */
    private final ThreadPoolExecutor handshakes;
    /** The handshake thread started last, for {@link #close} to join. */
    private volatile Thread handshakeThread;
    private volatile boolean stopping;
    /** When the next read deadline of any link may be due. Loop only. */
    private long nextCheck = System.nanoTime();
    /** How long the loop polls without sleeping after its last work ({@link TcpTransportBuilder#busyPoll}); 0 for never. */
    private final long busyPollNanos;
    /** When the loop last found a socket ready or a link to flush. Loop only. */
    private long lastWork;

    /**
     * Opens the selector; {@link #start} starts the thread.
     *
     * @param endpoint the transport's name, in its threads' names
     * @param linkBufferBytes what a link reads or writes in one system call at most
     *     ({@link TcpTransportBuilder#linkBufferBytes}): each pooled buffer holds that and one
     *     longest frame more, so that a plain link's read that cut a frame can finish it there
     * @param busyPollNanos how long to poll without sleeping after the last work, 0 for never
     * @throws IOException if no selector can be opened
     */
    LinkLoop(String endpoint, int linkBufferBytes, long busyPollNanos) throws IOException {
        this.busyPollNanos = busyPollNanos;
        int loans = Math.max(MIN_LOANS, LOANED_BYTES / linkBufferBytes);
        this.buffers = new DirectBuffers(linkBufferBytes + Frames.LENGTH_BYTES + Frames.MAX_LENGTH, BUFFERS_KEPT + loans, loans);
        this.selector = Selector.open();
        this.thread = new Thread(this, "ministreaming-tcp-links-" + endpoint);
        thread.setDaemon(true);
        this.handshakes = new ThreadPoolExecutor(1, 1, HANDSHAKE_IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread worker = new Thread(task, "ministreaming-tcp-handshakes-" + endpoint);
            worker.setDaemon(true);
            handshakeThread = worker;
            return worker;
        });
        handshakes.allowCoreThreadTimeOut(true);
    }

    /** Starts the loop's thread. */
    void start() {
        thread.start();
    }

    /** The buffers the links borrow for reads and writes. */
    DirectBuffers buffers() {
        return buffers;
    }

    /** Where the TLS engines' delegated tasks run: off the loop, one at a time, on a thread that comes and goes. */
    Executor handshakes() {
        return handshakes;
    }

    /** Serve {@code link}'s channel from now on. */
    void register(ChannelLink link) {
        registering.add(link);
        selector.wakeup();
    }

    /** Whether the caller is the loop's thread. */
    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** {@code link} has messages queued: write them from the loop, in its next round. */
    void wantFlush(ChannelLink link) {
        flushes.add(link);
        if (Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    /** {@code link} failed: report its end to the transport from the loop. */
    void end(ChannelLink link) {
        ending.add(link);
        if (Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    /**
     * Stops the loop, after it has reported the ends of links failed before, and waits for its
     * thread; called on the loop's own thread (a receiver closing the transport), it lets the
     * loop end after this round instead.
     */
    void close() {
        stopping = true;
        selector.wakeup();
        handshakes.shutdownNow();
        TransportThreads.joinUninterruptibly(handshakeThread);
        if (!inLoop()) {
            TransportThreads.joinUninterruptibly(thread);
            reportEnds();
            closeSelector();
        }
    }

    @Override
    public void run() {
        while (!stopping) {
            try {
                round();
            } catch (Throwable e) {
                // No memory, or a defect outside one link's handling: log it and go on serving.
                LOG.log(Level.WARNING, "the TCP link loop failed; going on in " + RETRY_MILLIS + " ms", e);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS));
            }
        }
        reportEnds();
        closeSelector();
    }

    private void closeSelector() {
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "closing the selector failed: " + e.getMessage());
        }
    }

    private void round() throws IOException {
        registerNew();
        // Only those asked for before this round: a link that used its turn asks again for the next.
        int due = flushes.size();
        for (int left = due; left > 0; left--) {
            flushes.poll().flush();
        }
        reportEnds();
        long now = System.nanoTime();
        if (due > 0) {
            lastWork = now;
        }
        if (nextCheck - now <= 0) {
            checkDeadlines(now);
        }
        if (select(now) > 0 && busyPollNanos > 0) {
            lastWork = System.nanoTime();
        }
        Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
        while (ready.hasNext()) {
            SelectionKey key = ready.next();
            ready.remove();
            ChannelLink link = (ChannelLink) key.attachment();
            try {
                if (key.isValid() && key.isWritable()) {
                    key.interestOps(SelectionKey.OP_READ);
                    link.flush();
                }
                if (key.isValid() && key.isReadable()) {
                    link.readable();
                    nextCheck = Math.min(nextCheck, link.deadline(System.nanoTime()));
                }
            } catch (CancelledKeyException e) {
                // Another thread failed the link meanwhile; its end is reported from the queue.
            }
        }
    }

    /**
     * Waits for ready sockets: while busy polling lasts after the last work, only looks (and
     * spins a moment if none is); else sleeps until one is, the loop is woken, or the next
     * deadline may be due.
     *
     * @return how many sockets became ready
     */
    private int select(long now) throws IOException {
        if (now - lastWork < busyPollNanos) {
            int ready = selector.selectNow();
            if (ready == 0) {
                Thread.onSpinWait();
            }
            return ready;
        }
        long wait = Math.min(MAX_WAIT_NANOS, nextCheck - now);
        return selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
    }

    private void registerNew() {
        ChannelLink link;
        while ((link = registering.poll()) != null) {
            if (link.failure() != null) {
                continue; // its end is reported, or its starter cleans up
            }
            try {
                // Watching for room at first too: a write that found no room before this is not missed.
                link.registered(link.channel().register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE, link));
                nextCheck = Math.min(nextCheck, link.deadline(System.nanoTime()));
            } catch (ClosedChannelException e) {
                link.fail(e);
            }
        }
    }

    private void reportEnds() {
        ChannelLink link;
        while ((link = ending.poll()) != null) {
            try {
                link.reportEnd();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "reporting the end of link " + link + " failed", e);
            }
        }
    }

    private void checkDeadlines(long now) {
        nextCheck = now + MAX_WAIT_NANOS;
        for (SelectionKey key : selector.keys()) {
            if (key.isValid()) {
                nextCheck = Math.min(nextCheck, ((ChannelLink) key.attachment()).deadline(now));
            }
        }
    }
}
