package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.Async;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.net.BlockingHttpServer;
import org.ministreaming.net.HttpOverStreams;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/**
 * OkHttp, unchanged, over the java.net adapters between two destinations on a real router: a
 * large download and upload checked by SHA-256 on one kept-alive connection, then concurrent
 * requests.
 */
@ExtendWith(SharedRouter.class)
class OkHttpOverI2cpTest {

    private static final long SIXTEEN_MIB = 16L << 20;

    @Test
    void okHttpFetchesAndPostsLargeBodiesAndRunsConcurrentRequests(I2pRouter router) throws Exception {
        StreamOptions options = StreamOptions.defaults();
        try (StreamManager server = Endpoints.reliable(router, options);
             StreamManager client = Endpoints.reliable(router, options);
             HttpOverStreams http = new HttpOverStreams(server, client, Duration.ofSeconds(120))) {
            assertThat(http.download(SIXTEEN_MIB, 1)).isEqualTo(BlockingHttpServer.seededSha256(1, SIXTEEN_MIB));
            assertThat(http.upload(SIXTEEN_MIB / 4, 2)).isEqualTo(BlockingHttpServer.seededSha256(2, SIXTEEN_MIB / 4));
            assertThat(http.server().connections()).as("both on one kept-alive connection").isEqualTo(1);

            List<CompletableFuture<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                long seed = 10 + i;
                long bytes = (512 << 10) + seed;
                results.add(Async.run(() -> http.download(bytes, seed).equals(BlockingHttpServer.seededSha256(seed, bytes))));
            }
            for (CompletableFuture<Boolean> result : results) {
                assertThat(result.get(3, TimeUnit.MINUTES)).isTrue();
            }
            assertThat(http.server().requests()).isEqualTo(8);
        }
    }
}
