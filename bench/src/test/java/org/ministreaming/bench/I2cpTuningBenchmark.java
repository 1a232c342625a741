package org.ministreaming.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.i2cp.I2cpTransportBuilder;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;
import org.ministreaming.transport.reliable.ReliableTransport;

/**
 * What two settings do to ministreaming over I2CP, on one router in one run, measured as
 * {@link Measurement} says: the reliable layer's ack delay (5 ms over I2CP by default, 1 ms
 * before issue 14; 20 ms, the layer's general default, here) and the receive buffer, which is the flow-control window
 * (256 KiB by default; 1 MiB and 4 MiB here). Not part of the normal build; run it with
 * {@code ./mvnw -B -pl bench -am test -Dbenchmark=true -Dtest=I2cpTuningBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * (docs/benchmarks.md, "Over a real I2P router (I2CP)").
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
@ExtendWith(SharedRouter.class)
class I2cpTuningBenchmark {

    private static final Duration LONG_ACK_DELAY = Duration.ofMillis(20);
    private static final int LARGE_RECEIVE_BUFFER = 1 << 20;
    private static final int HUGE_RECEIVE_BUFFER = 4 << 20;

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void ackDelayAndReceiveBuffer(I2pRouter router) throws Exception {
        StreamOptions defaults = StreamOptions.builder().readTimeout(Measurement.READ_TIMEOUT).build();
        Function<I2cpTransportBuilder, Transport> longAckDelay =
                builder -> ReliableTransport.builder(builder.buildPlain()).ackDelay(LONG_ACK_DELAY).build();
        List<Contender> contenders = new ArrayList<>();
        try {
            contenders.add(open("defaults", router, defaults, I2cpTransportBuilder::build));
            contenders.add(open("ack delay 20 ms", router, defaults, longAckDelay));
            contenders.add(open("receive buffer 1 MiB", router, buffer(LARGE_RECEIVE_BUFFER), I2cpTransportBuilder::build));
            contenders.add(open("receive buffer 4 MiB", router, buffer(HUGE_RECEIVE_BUFFER), I2cpTransportBuilder::build));
            List<Row> rows = Measurement.measure(contenders);
            System.out.println();
            Row.print(rows, System.out);
            System.out.println();
            for (Row row : rows.subList(1, rows.size())) {
                row.printRatios(rows.get(0), System.out);
            }
        } finally {
            Measurement.closeAll(contenders);
        }
    }

    private static StreamOptions buffer(int bytes) {
        return StreamOptions.builder().readTimeout(Measurement.READ_TIMEOUT).receiveBufferSize(bytes).build();
    }

    private static Contender open(String name, I2pRouter router, StreamOptions options, Function<I2cpTransportBuilder, Transport> build)
            throws Exception {
        return StreamContender.start(MinistreamingPath.open(name, router, options, build));
    }
}
