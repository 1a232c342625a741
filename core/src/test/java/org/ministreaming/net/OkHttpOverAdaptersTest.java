package org.ministreaming.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ministreaming.Async;
import org.ministreaming.StreamManager;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.tcp.TcpTransport;

/**
 * OkHttp, unchanged, fetching from and posting to a blocking HTTP/1.1 server that runs on the
 * ServerSocket adapter, over the in-memory transport and over TCP on loopback: large bodies
 * checked by SHA-256, keep-alive, and concurrent requests.
 */
class OkHttpOverAdaptersTest {

    private static final long SIXTY_FOUR_MIB = 64L << 20;
    private static final long SIXTEEN_MIB = 16L << 20;

    /** The transports the managers run over. */
    enum Over {
        MEMORY, TCP
    }

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private HttpOverStreams start(Over over) throws IOException {
        StreamManager server;
        StreamManager client;
        if (over == Over.MEMORY) {
            MemoryNetwork network = new MemoryNetwork();
            server = StreamManager.open(network.endpoint("server"));
            client = StreamManager.open(network.endpoint("client"));
        } else {
            server = StreamManager.open(TcpTransport.plain().listen("tcp://127.0.0.1:0").build());
            client = StreamManager.open(TcpTransport.plain().build());
        }
        toClose.add(server);
        toClose.add(client);
        HttpOverStreams http = new HttpOverStreams(server, client, Duration.ofSeconds(60));
        toClose.add(http);
        return http;
    }

    @ParameterizedTest
    @EnumSource(Over.class)
    void aLargeDownloadAndALargeUploadArriveIntact(Over over) throws Exception {
        HttpOverStreams http = start(over);
        assertThat(http.download(SIXTY_FOUR_MIB, 1)).isEqualTo(BlockingHttpServer.seededSha256(1, SIXTY_FOUR_MIB));
        assertThat(http.upload(SIXTEEN_MIB, 2)).isEqualTo(BlockingHttpServer.seededSha256(2, SIXTEEN_MIB));
        assertThat(http.server().connections()).as("both requests on one kept-alive connection").isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Over.class)
    void sequentialRequestsReuseOneKeptAliveConnection(Over over) throws Exception {
        HttpOverStreams http = start(over);
        for (int i = 0; i < 30; i++) {
            long bytes = 1 + i * 10_000L;
            String expected = BlockingHttpServer.seededSha256(i, bytes);
            assertThat(i % 2 == 0 ? http.download(bytes, i) : http.upload(bytes, i)).isEqualTo(expected);
        }
        assertThat(http.server().requests()).isEqualTo(30);
        assertThat(http.server().connections()).isEqualTo(1);
        assertThat(http.client().connectionPool().connectionCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Over.class)
    void concurrentRequestsEachGetTheirOwnBody(Over over) throws Exception {
        HttpOverStreams http = start(over);
        int calls = 16;
        List<CompletableFuture<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            long seed = 100 + i;
            long bytes = (1L << 20) + seed * 777;
            results.add(Async.run(() -> http.download(bytes, seed).equals(BlockingHttpServer.seededSha256(seed, bytes))));
        }
        for (CompletableFuture<Boolean> result : results) {
            assertThat(result.get(2, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(http.server().requests()).isEqualTo(calls);
        assertThat(http.server().connections()).isBetween(1, calls);
    }
}
