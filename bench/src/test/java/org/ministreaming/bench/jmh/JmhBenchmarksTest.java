package org.ministreaming.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;

/**
 * The JMH benchmarks do what they say, without timing anything: each benchmark method is called
 * directly, enough times to pass the flow-control window, and what it returns is checked. Part
 * of the normal test run, so that a change to the library that breaks a benchmark shows at once.
 */
@Timeout(120)
class JmhBenchmarksTest {

    @AfterEach
    void noThreadIsLeft() throws InterruptedException {
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY, "bench-");
    }

    @Test
    void theCodecBenchmarksDecodeAndEncodeTheMessagesTheyName() throws Exception {
        CodecBenchmark codec = new CodecBenchmark();
        codec.setUp();

        Message data = (Message) codec.decodeData();
        assertThat(data.type()).isEqualTo(MessageType.CLIENT_DATA);
        assertThat(data.payloadLength()).isEqualTo(32 * 1024);
        assertThat(((Message) codec.decodeAck()).type()).isEqualTo(MessageType.ACK);
        assertThat(codec.encodeData().payloadLength()).isEqualTo(32 * 1024);
        assertThat(codec.encodeAck().type()).isEqualTo(MessageType.ACK);
    }

    @Test
    void aDispatchedDataMessageIsReadPastTheWindow() throws Exception {
        EngineBenchmark engine = new EngineBenchmark();
        engine.setUp();
        try {
            // 300 000 one-byte messages, more than the 256 KiB window: reading must grant credit
            // and nothing may overrun.
            for (int i = 0; i < 300_000; i++) {
                assertThat(engine.dispatchDataMessage()).isEqualTo(7);
            }
        } finally {
            engine.tearDown();
        }
    }

    @Test
    void fullDataMessagesGoThroughBothEnginesPastTheWindow() throws Exception {
        byte[] sent = new byte[32 * 1024];
        new SplittableRandom(1).nextBytes(sent);
        EngineBenchmark engine = new EngineBenchmark();
        engine.setUp();
        try {
            for (int i = 0; i < 100; i++) {
                assertThat(engine.dataMessage32KiB()).isEqualTo(sent[sent.length - 1]);
            }
        } finally {
            engine.tearDown();
        }
    }

    @ParameterizedTest
    @CsvSource({"memory, pool", "memory, acceptors", "memory, events", "tcp, pool", "tcp, acceptors", "tcp, events"})
    void openCloseExchangesOneByteEachWayFromOneAndFromEightThreads(String transport, String shape) throws Exception {
        OpenCloseBenchmark connections = new OpenCloseBenchmark();
        connections.transport = transport;
        connections.shape = shape;
        exchangeFromOneAndFromEightThreads(connections, connections::setUp, connections::tearDown);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pool", "acceptors"})
    void theRawTcpReferenceExchangesOneByteEachWayPerConnection(String shape) throws Exception {
        RawOpenCloseBenchmark connections = new RawOpenCloseBenchmark();
        connections.shape = shape;
        exchangeFromOneAndFromEightThreads(connections, connections::setUp, connections::tearDown);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pool", "acceptors"})
    void theHandOffFloorAnswersEachExchangeFromOneAndFromEightThreads(String shape) throws Exception {
        HandOffFloorBenchmark floor = new HandOffFloorBenchmark();
        floor.shape = shape;
        exchangeFromOneAndFromEightThreads(floor, floor::setUp, floor::tearDown);
    }

    @Test
    void theTcpFloorMakesTwoRoundTripsPerExchangeOnEachThreadsOwnConnection() throws Exception {
        List<TcpRoundTripFloorBenchmark> floors = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                TcpRoundTripFloorBenchmark floor = new TcpRoundTripFloorBenchmark();
                floor.setUp();
                floors.add(floor);
            }
            for (int i = 0; i < 50; i++) {
                assertThat(floors.get(0).oneThread()).isEqualTo(2);
            }
            ExecutorService clients = Executors.newFixedThreadPool(8, runnable -> new Thread(runnable, "bench-client"));
            try {
                List<Future<Integer>> answers = new ArrayList<>();
                for (TcpRoundTripFloorBenchmark floor : floors) {
                    answers.add(clients.submit(() -> {
                        int last = 0;
                        for (int i = 0; i < 25; i++) {
                            last = floor.eightThreads();
                        }
                        return last;
                    }));
                }
                for (Future<Integer> answer : answers) {
                    assertThat(answer.get()).isEqualTo(2);
                }
            } finally {
                clients.shutdownNow();
            }
        } finally {
            for (TcpRoundTripFloorBenchmark floor : floors) {
                floor.tearDown();
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"memory, 0", "tcp, 0", "tcp, 200"})
    void chainedExchangesRunOneAfterAnotherInCallbacks(String transport, int busyPollMicros) throws Exception {
        ChainedOpenCloseBenchmark chain = new ChainedOpenCloseBenchmark();
        chain.transport = transport;
        chain.busyPollMicros = busyPollMicros;
        chain.setUp();
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(chain.run()).isEqualTo(ChainedOpenCloseBenchmark.RUN);
            }
        } finally {
            chain.tearDown();
        }
    }

    @Test
    void thePolledTcpFloorMakesTwoRoundTripsPerExchange() throws Exception {
        PolledRoundTripFloorBenchmark floor = new PolledRoundTripFloorBenchmark();
        floor.setUp();
        try {
            for (int i = 0; i < 1000; i++) {
                assertThat(floor.exchange()).isEqualTo(2);
            }
        } finally {
            floor.tearDown();
        }
    }

    /** A benchmark's set-up or tear-down. */
    private interface Step {
        void run() throws Exception;
    }

    /** Sets {@code benchmark} up, makes the exchanges below with it, and tears it down. */
    private static void exchangeFromOneAndFromEightThreads(ExchangeBenchmark benchmark, Step setUp, Step tearDown) throws Exception {
        setUp.run();
        try {
            exchangeFromOneAndFromEightThreads(benchmark::oneThread, benchmark::eightThreads);
        } finally {
            tearDown.run();
        }
    }

    /** 50 exchanges one after the other, then 200 from eight threads at once: each gets the server's answer, 2. */
    private static void exchangeFromOneAndFromEightThreads(Callable<Integer> one, Callable<Integer> eight) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8, runnable -> new Thread(runnable, "bench-client"));
        try {
            for (int i = 0; i < 50; i++) {
                assertThat(one.call()).isEqualTo(2);
            }
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                answers.add(clients.submit(eight));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(2);
            }
        } finally {
            clients.shutdownNow();
        }
    }
}
