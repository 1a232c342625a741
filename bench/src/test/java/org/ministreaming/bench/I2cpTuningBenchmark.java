package org.ministreaming.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
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
import org.ministreaming.transport.reliable.ReliableTransportBuilder;

/**
 * What some settings do to ministreaming over I2CP, on one router in one run, measured as
 * {@link Measurement} says. {@link #ackDelayAndReceiveBuffer}: the reliable layer's ack delay
 * (5 ms over I2CP by default, 1 ms before issue 14; 20 ms, the layer's general default, here) and
 * the receive buffer, which is the flow-control window (256 KiB by default; 1 MiB and 4 MiB here).
 * {@link #frameSizes}: the frames to a near peer, which every destination on the same router is
 * ({@link ReliableTransportBuilder#nearPath}; 17 KiB by default). Not part of the normal build;
 * run them with
 * {@code ./mvnw -B -pl bench -am test -Dbenchmark=true -Dtest=I2cpTuningBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dtest=I2cpTuningBenchmark#frameSizes} for one; docs/benchmarks.md, "Over a real I2P router (I2CP)").
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
@ExtendWith(SharedRouter.class)
class I2cpTuningBenchmark {

    private static final Duration LONG_ACK_DELAY = Duration.ofMillis(20);
    private static final int LARGE_RECEIVE_BUFFER = 1 << 20;
    private static final int HUGE_RECEIVE_BUFFER = 4 << 20;
    /** Near frames that cut a full data message (32,772 bytes) in four. */
    private static final int QUARTER_FRAME = 8 * 1024 + 64;

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void ackDelayAndReceiveBuffer(I2pRouter router) throws Exception {
        StreamOptions defaults = StreamOptions.builder().readTimeout(Measurement.READ_TIMEOUT).build();
        List<Contender> contenders = new ArrayList<>();
        try {
            contenders.add(open("defaults", router, defaults, I2cpTransportBuilder::build));
            contenders.add(open("ack delay 20 ms", router, defaults, reliable(builder -> builder.ackDelay(LONG_ACK_DELAY))));
            contenders.add(open("receive buffer 1 MiB", router, buffer(LARGE_RECEIVE_BUFFER), I2cpTransportBuilder::build));
            contenders.add(open("receive buffer 4 MiB", router, buffer(HUGE_RECEIVE_BUFFER), I2cpTransportBuilder::build));
            measureAndPrint(contenders);
        } finally {
            Measurement.closeAll(contenders);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void frameSizes(I2pRouter router) throws Exception {
        StreamOptions defaults = StreamOptions.builder().readTimeout(Measurement.READ_TIMEOUT).build();
        Duration near = ReliableTransportBuilder.I2P_NEAR_ROUND_TRIP;
        List<Contender> contenders = new ArrayList<>();
        try {
            contenders.add(open("defaults: near frames of 17 KiB", router, defaults, I2cpTransportBuilder::build));
            contenders.add(open("3 KiB frames to every peer", router, defaults,
                    reliable(builder -> builder.nearPath(Duration.ZERO, ReliableTransportBuilder.I2P_MAX_FRAME))));
            contenders.add(open("near frames of 8 KiB", router, defaults, reliable(builder -> builder.nearPath(near, QUARTER_FRAME))));
            contenders.add(open("whole messages to a near peer", router, defaults,
                    reliable(builder -> builder.nearPath(near, Integer.MAX_VALUE))));
            measureAndPrint(contenders);
        } finally {
            Measurement.closeAll(contenders);
        }
    }

    /** The I2CP transport's reliable mode as {@link I2cpTransportBuilder#build} makes it, with {@code change} applied last. */
    private static Function<I2cpTransportBuilder, Transport> reliable(UnaryOperator<ReliableTransportBuilder> change) {
        return builder -> change.apply(ReliableTransport.builder(builder.buildPlain()).ackDelay(I2cpTransportBuilder.ACK_DELAY).forI2pTunnels()).build();
    }

    private static void measureAndPrint(List<Contender> contenders) throws Exception {
        List<Row> rows = Measurement.measure(contenders);
        System.out.println();
        Row.print(rows, System.out);
        System.out.println();
        for (Row row : rows.subList(1, rows.size())) {
            row.printRatios(rows.get(0), System.out);
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
