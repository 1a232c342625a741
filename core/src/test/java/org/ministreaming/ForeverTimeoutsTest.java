package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.net.SocketAdapter;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.tcp.TcpTransport;

/**
 * Durations a user gives for "no limit", such as {@code ChronoUnit.FOREVER.getDuration()}: every
 * option, call and transport setting takes them as a wait of about 73 years, where converting
 * them overflowed (an {@code ArithmeticException} from a connect, an accept that threw after the
 * connection was acknowledged, a manager that did not open).
 */
@Timeout(60)
class ForeverTimeoutsTest {

    private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();
    private static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE);
    private static final long WAIT_SECONDS = Await.LIMIT.toSeconds();

    private final MemoryNetwork network = new MemoryNetwork();
    private final List<StreamManager> managers = new ArrayList<>();

    @AfterEach
    void stop() {
        managers.forEach(StreamManager::close);
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    private StreamManager open(Transport transport) throws IOException {
        StreamManager manager = StreamManager.open(transport, StreamOptions.builder()
                .connectTimeout(FOREVER).readTimeout(HUGE).writeTimeout(FOREVER).idleTimeout(FOREVER)
                .peerGracePeriod(FOREVER).acceptTimeout(HUGE).build());
        managers.add(manager);
        return manager;
    }

    @Test
    void everyOptionAndCallTakesForeverInMemory() throws Exception {
        exchange(open(network.endpoint("server")), open(network.endpoint("client")));
    }

    @Test
    void everyTcpSettingTakesForeverToo() throws Exception {
        StreamManager server = open(TcpTransport.plain().listen("tcp://127.0.0.1:0")
                .connectTimeout(FOREVER).frameTimeout(HUGE).idleTimeout(FOREVER).build());
        exchange(server, open(TcpTransport.plain().connectTimeout(HUGE).frameTimeout(FOREVER).build()));
    }

    private static void exchange(StreamManager server, StreamManager client) throws Exception {
        StreamServerSocket serverSocket = server.serverSocket();
        CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(FOREVER));
        StreamSocket socket = client.connect(server.localDestination(), HUGE);
        StreamSocket answering = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);
        socket.setReadTimeout(FOREVER);
        socket.setWriteTimeout(HUGE);
        SocketAdapter adapted = new SocketAdapter(answering, server.localDestination());

        socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        assertThat(adapted.getInputStream().readNBytes(5)).asString(StandardCharsets.US_ASCII).isEqualTo("hello");
        adapted.getOutputStream().write('!');
        adapted.getOutputStream().flush();
        assertThat(socket.getInputStream().read()).isEqualTo('!');
        assertThat(adapted.getSoTimeout()).isEqualTo(Integer.MAX_VALUE);
        assertThat(client.ping(server.localDestination(), FOREVER)).isPresent();
        socket.close();
        assertThat(adapted.getInputStream().read()).isEqualTo(-1);
        adapted.close();
    }
}
