package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.ministreaming.testing.Await;

/**
 * Waits until a thread is parked inside one of the socket API's blocking calls, at the place where
 * the call waits (the engine's internals, named here once). A test that closes, cuts or interrupts
 * only after this knows it failed a blocked call, not one about to start: a call that failed on
 * entry would pass such a test too. Each wait is bounded by {@link Await#LIMIT}.
 */
public final class Blocked {

    private Blocked() {
    }

    /**
     * Starts {@code call} on a thread of its own, waits until {@code blocked} sees it parked,
     * interrupts it, and checks that the call threw {@link InterruptedIOException} with the
     * thread's interrupt flag still set.
     */
    public static void assertInterruptedWhileBlocked(Async.Call<?> call, Consumer<Thread> blocked) throws Exception {
        Async.Running<Boolean> running = Async.run(() -> {
            try {
                call.call();
            } catch (InterruptedIOException expected) {
                return Thread.currentThread().isInterrupted();
            }
            throw new AssertionError("the call returned instead of failing on the interrupt");
        });
        blocked.accept(running.thread());

        running.thread().interrupt();

        assertThat(running.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).as("interrupt flag kept").isTrue();
    }

    /** A read waiting for data. */
    public static void inRead(Thread thread) {
        Await.parkedIn(thread, "org.ministreaming.engine.ReceiveBuffer", "read");
    }

    /** A write waiting for the peer's credit. */
    public static void inWriteForCredit(Thread thread) {
        Await.parkedIn(thread, "org.ministreaming.engine.DataSender", "reserve");
    }

    /** An accept waiting for a connection. */
    public static void inAccept(Thread thread) {
        Await.parkedIn(thread, "org.ministreaming.engine.Acceptor", "take");
    }

    /** A connect waiting for the server's answer. */
    public static void inConnect(Thread thread) {
        Await.parkedIn(thread, "org.ministreaming.engine.ClientConnection", "awaitEstablished");
    }

    /** A ping waiting for its pong. */
    public static void inPing(Thread thread) {
        Await.parkedIn(thread, "org.ministreaming.engine.Liveness", "ping");
    }

    /** A send waiting for room in a TCP link's outbound queue (the transport itself blocks). */
    public static void inTcpSend(Thread thread) {
        Await.parkedIn(thread, "org.ministreaming.transport.tcp.OutboundQueue", "put");
    }
}
