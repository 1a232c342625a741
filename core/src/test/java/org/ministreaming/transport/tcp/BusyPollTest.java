package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver;

/**
 * {@link TcpTransportBuilder#busyPoll}: the links' thread polls its sockets for a while after its
 * last work, carrying messages as usual, then sleeps in the selector again; the time is bounded.
 * And {@link TcpTransport#openNow}: a SYN goes at once over a link that is up, never by a dial.
 */
class BusyPollTest extends TcpFixture {

    @Test
    void messagesGoBothWaysWhileTheLoopsPollAndTheLoopsSleepAgainOnceNothingComes() throws Exception {
        RecordingReceiver atServer = new RecordingReceiver();
        RecordingReceiver atClient = new RecordingReceiver();
        TcpTransport server = started(TcpTransport.plain().listen(LOOPBACK).busyPoll(Duration.ofMillis(1)), atServer);
        TcpTransport client = started(TcpTransport.plain().busyPoll(Duration.ofMillis(1)), atClient);
        Destination to = server.localDestination();

        for (int i = 0; i < 500; i++) {
            client.send(to, text("ping " + i));
            RecordingReceiver.Event ping = atServer.next();
            assertThat(ping.text()).isEqualTo("ping " + i);
            server.send(ping.from(), text("pong " + i));
            assertThat(atClient.next().text()).isEqualTo("pong " + i);
        }

        for (TcpTransport transport : new TcpTransport[] {server, client}) {
            Thread loop = loopThread(transport);
            Await.until("the links' thread of " + transport + " sleeps in the selector again",
                    () -> sleepsInSelect(loop.getStackTrace()));
        }
    }

    @Test
    void aSynGoesAtOnceOverALinkThatIsUpAndNeverByADial() throws Exception {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = listening(atServer);
        TcpTransport client = client(new RecordingReceiver());
        Destination to = server.localDestination();

        assertThat(client.openNow(to, text("before any link"))).as("taken with no link up").isFalse();
        client.send(to, text("dial"));
        assertThat(atServer.next().text()).isEqualTo("dial");
        assertThat(client.openNow(to, text("syn"))).isTrue();
        assertThat(atServer.next().text()).isEqualTo("syn");
    }

    @Test
    void theTimeIsZeroToTenMilliseconds() {
        assertThat(TcpTransport.plain().busyPoll(Duration.ZERO)).isNotNull();
        assertThat(TcpTransport.plain().busyPoll(TcpTransportBuilder.MAX_BUSY_POLL)).isNotNull();
        assertThatThrownBy(() -> TcpTransport.plain().busyPoll(Duration.ofNanos(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TcpTransport.plain().busyPoll(Duration.ofMillis(11)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10000 microseconds");
    }

    private static Thread loopThread(TcpTransport transport) {
        String name = "ministreaming-tcp-links-" + transport.localDestination();
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name));
    }

    /** Whether a stack is the loop's sleep: a select with a timeout, not the poll's {@code selectNow}. */
    private static boolean sleepsInSelect(StackTraceElement[] stack) {
        return Arrays.stream(stack).anyMatch(frame -> frame.getMethodName().equals("select") && frame.getClassName().endsWith("SelectorImpl"))
                && Arrays.stream(stack).noneMatch(frame -> frame.getMethodName().equals("selectNow"));
    }
}
