package org.ministreaming.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.i2cp.I2cpTransportBuilder;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/**
 * Over one real I2P router (a child process, zero-hop tunnels), in one run: ministreaming over
 * the I2CP transport in reliable mode, I2P's own streaming library, raw I2CP messages and, for
 * scale, raw TCP on loopback, all with their defaults, measured as {@link Measurement} says.
 * Prints each sample, then a Markdown table and the ratios. Not part of the normal build; run it
 * with
 * {@code ./mvnw -B -pl bench -am test -Dbenchmark=true -Dtest=I2cpBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * (docs/benchmarks.md, "Over a real I2P router (I2CP)").
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
@ExtendWith(SharedRouter.class)
class I2cpBenchmark {

    @Test
    @Timeout(value = 45, unit = TimeUnit.MINUTES)
    void ministreamingNextToI2pStreamingRawI2cpAndTcp(I2pRouter router) throws Exception {
        StreamOptions options = StreamOptions.builder().readTimeout(Measurement.READ_TIMEOUT).build();
        List<Contender> contenders = new ArrayList<>();
        try {
            contenders.add(StreamContender.start(
                    MinistreamingPath.open("ministreaming (I2CP, reliable)", router, options, I2cpTransportBuilder::build)));
            contenders.add(StreamContender.start(I2pStreamingPath.open(router, Measurement.READ_TIMEOUT)));
            contenders.add(I2cpMessages.open(router, true));
            contenders.add(I2cpMessages.open(router, false));
            contenders.add(StreamContender.start(TcpPath.open(Measurement.READ_TIMEOUT)));
            List<Row> rows = Measurement.measure(contenders);
            System.out.println();
            Row.print(rows, System.out);
            System.out.println();
            rows.get(0).printRatios(rows.get(1), System.out);
            rows.get(0).printRatios(rows.get(2), System.out);
            rows.get(0).printRatios(rows.get(3), System.out);
        } finally {
            Measurement.closeAll(contenders);
        }
    }
}
