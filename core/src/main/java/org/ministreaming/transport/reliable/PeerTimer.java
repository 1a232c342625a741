package org.ministreaming.transport.reliable;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.ministreaming.transport.TransportThreads;

/**
 * The reliable layer's one timer thread, and each peer's next run on it: retransmissions,
 * delayed acknowledgements and the retry limit of every peer run there, one task per peer at a
 * time, set for the peer's earliest deadline.
 *
 * <p>Thread-safe. {@link #arm} is called under the peer's lock; the task it schedules runs
 * {@link Handler#due} without any lock held.
 */
final class PeerTimer {

    /** What runs when a peer's timer is due. */
    interface Handler {
        /**
         * @param peer the peer
         * @param task the task that ran, for {@link Peer#onTimer} to tell a stale run from the current one
         */
        void due(Peer peer, Object task);
    }

    private final ScheduledThreadPoolExecutor timer;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Handler handler;

    /**
     * @param threadName the timer thread's name
     * @param handler what runs when a peer's timer is due
     */
    PeerTimer(String threadName, Handler handler) {
        this.handler = handler;
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            threads.add(thread);
            return thread;
        });
        this.timer.setRemoveOnCancelPolicy(true);
        this.timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Makes sure the peer's timer runs no later than {@code deadline} (a {@link System#nanoTime}
     * value); a timer set earlier stays. Called under the peer's lock. Does nothing once stopped.
     */
    void arm(Peer peer, long deadline) {
        if (timer.isShutdown()) {
            return;
        }
        if (peer.timerTask != null && deadline - peer.timerAt >= 0) {
            return;
        }
        if (peer.timerTask instanceof Task old) {
            old.cancel();
        }
        Task task = new Task(peer);
        try {
            task.future = timer.schedule(task, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            peer.timerTask = task;
            peer.timerAt = deadline;
        } catch (RejectedExecutionException shutDown) {
            peer.timerTask = null;
        }
    }

    /**
     * Runs {@code work} on the timer thread soon.
     *
     * @return {@code false} if the timer is stopped and {@code work} will not run
     */
    boolean execute(Runnable work) {
        try {
            timer.execute(work);
            return true;
        } catch (RejectedExecutionException shutDown) {
            return false;
        }
    }

    /** Stops the timer: nothing runs any more, and the timer thread has ended when this returns. */
    void stop() {
        timer.shutdownNow();
        for (Thread thread : threads) {
            TransportThreads.joinUninterruptibly(thread);
        }
    }

    /** One run of a peer's timer. */
    private final class Task implements Runnable {
        private final Peer peer;
        private volatile ScheduledFuture<?> future;

        Task(Peer peer) {
            this.peer = peer;
        }

        void cancel() {
            ScheduledFuture<?> scheduled = future;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        @Override
        public void run() {
            handler.due(peer, this);
        }
    }
}
