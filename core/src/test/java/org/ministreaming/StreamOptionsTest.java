package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.ministreaming.engine.EngineSettings;
import org.ministreaming.transport.memory.MemoryNetwork;

/** {@link StreamOptions}: the defaults, what the builder keeps and what it refuses. */
class StreamOptionsTest {

    @Test
    void defaultsAreThoseOfTheOriginal() {
        StreamOptions options = StreamOptions.defaults();

        assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(60)).isEqualTo(StreamOptions.DEFAULT_CONNECT_TIMEOUT);
        assertThat(options.acceptTimeout()).isEqualTo(Duration.ofSeconds(5)).isEqualTo(StreamOptions.DEFAULT_ACCEPT_TIMEOUT);
        assertThat(options.acceptBacklog()).isEqualTo(64).isEqualTo(StreamOptions.DEFAULT_ACCEPT_BACKLOG);
        assertThat(options.receiveBufferSize()).isEqualTo(256 * 1024).isEqualTo(StreamOptions.DEFAULT_RECEIVE_BUFFER_SIZE);
        assertThat(options.plainReceiveAllowance()).isEqualTo(32 << 20).isEqualTo(StreamOptions.DEFAULT_PLAIN_RECEIVE_ALLOWANCE);
        assertThat(options.receiveBudget()).isEqualTo(StreamOptions.defaultReceiveBudget());
        assertThat(options.readTimeout()).isEqualTo(Duration.ZERO);
        assertThat(options.messageListener()).isSameAs(MessageListener.NONE);
    }

    @Test
    void toStringShowsEveryOption() {
        String shown = StreamOptions.builder().readTimeout(Duration.ofSeconds(7)).receiveBudget(12345).synsPerSecondPerPeer(77).build()
                .toString();

        assertThat(shown).startsWith("StreamOptions[connectTimeout=PT1M, readTimeout=PT7S, ")
                .contains("receiveBudget=12345", "synsPerSecondPerPeer=77", "acceptBacklog=", "flowControl=true", "random=SecureRandom");
    }

    @Test
    void defaultsReachTheEngineSettings() {
        EngineSettings settings = StreamOptions.defaults().engineSettings();

        assertThat(settings.acceptTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.acceptBacklog()).isEqualTo(64);
        assertThat(settings.receiveBufferSize()).isEqualTo(256 * 1024);
        assertThat(settings.maxReceiveWindow()).isEqualTo(16 << 20).isEqualTo(StreamOptions.DEFAULT_MAX_RECEIVE_WINDOW);
        assertThat(settings.plainReceiveAllowance()).isEqualTo(32 << 20);
        assertThat(settings.receiveBudget()).isEqualTo(StreamOptions.defaultReceiveBudget());
        assertThat(settings.random()).isInstanceOf(SecureRandom.class);
    }

    @Test
    void thePeerGracePeriodIsSixtySecondsByDefaultReachesTheEngineAndMustBePositive() {
        assertThat(StreamOptions.defaults().peerGracePeriod()).isEqualTo(Duration.ofSeconds(60));
        assertThat(StreamOptions.defaults().engineSettings().peerGrace()).isEqualTo(Duration.ofSeconds(60));
        assertThat(StreamOptions.builder().peerGracePeriod(Duration.ofMillis(5)).build().engineSettings().peerGrace())
                .isEqualTo(Duration.ofMillis(5));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StreamOptions.builder().peerGracePeriod(Duration.ZERO))
                .withMessageContaining("peerGracePeriod");
    }

    @Test
    void theDefaultBudgetIsAQuarterOfTheHeapButAtMost256MiB() {
        long quarter = Runtime.getRuntime().maxMemory() / 4;

        assertThat(StreamOptions.defaultReceiveBudget())
                .isEqualTo(Math.min(256L << 20, quarter))
                .isLessThanOrEqualTo(StreamOptions.DEFAULT_RECEIVE_BUDGET_CAP);
    }

    @Test
    void theAllowanceAndTheBudgetAreKeptAndReachTheEngine() {
        StreamOptions options = StreamOptions.builder().plainReceiveAllowance(5000).receiveBudget(3L << 32).build();

        assertThat(options.plainReceiveAllowance()).isEqualTo(5000);
        assertThat(options.receiveBudget()).isEqualTo(3L << 32);
        assertThat(options.engineSettings().plainReceiveAllowance()).isEqualTo(5000);
        assertThat(options.engineSettings().receiveBudget()).isEqualTo(3L << 32);
    }

    @ParameterizedTest(name = "receiveBudget({0})")
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void aBudgetBelowOneIsRefused(long value) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StreamOptions.builder().receiveBudget(value))
                .withMessage("receiveBudget must be at least 1: " + value);
    }

    @Test
    void builderKeepsEverySetting() {
        Random random = new Random(7);
        MessageListener listener = new MessageListener() {
        };

        StreamOptions options = StreamOptions.builder()
                .connectTimeout(Duration.ofMillis(1500))
                .readTimeout(Duration.ofMillis(250))
                .acceptTimeout(Duration.ofSeconds(9))
                .acceptBacklog(3)
                .receiveBufferSize(1)
                .random(random)
                .messageListener(listener)
                .build();

        assertThat(options.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(options.readTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(options.acceptTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(options.acceptBacklog()).isEqualTo(3);
        assertThat(options.receiveBufferSize()).isEqualTo(1);
        assertThat(options.messageListener()).isSameAs(listener);
        EngineSettings settings = options.engineSettings();
        assertThat(settings.acceptTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(settings.acceptBacklog()).isEqualTo(3);
        assertThat(settings.receiveBufferSize()).isEqualTo(1);
        assertThat(settings.random()).isSameAs(random);
    }

    @Test
    void readTimeoutZeroMeansWaitForeverAndIsAllowed() {
        StreamOptions options = StreamOptions.builder().readTimeout(Duration.ofSeconds(3)).readTimeout(Duration.ZERO).build();

        assertThat(options.readTimeout()).isZero();
    }

    /** A positive read timeout below one millisecond must still time out, not mean "wait forever". */
    @Test
    void aSubMillisecondReadTimeoutReachesSocketsAsATimeoutNotAsWaitForever() throws Exception {
        StreamOptions options = StreamOptions.builder().readTimeout(Duration.ofNanos(500_000)).build();
        MemoryNetwork network = new MemoryNetwork();
        try (StreamManager alice = StreamManager.open(network.endpoint("alice"), options);
                StreamManager bob = StreamManager.open(network.endpoint("bob"), options);
                StreamServerSocket server = bob.serverSocket()) {
            CompletableFuture<StreamSocket> accepted = new CompletableFuture<>();
            Thread acceptor = new Thread(() -> {
                try {
                    accepted.complete(server.accept(Duration.ofSeconds(5)));
                } catch (IOException e) {
                    accepted.completeExceptionally(e);
                }
            }, "test-acceptor");
            acceptor.start();
            StreamSocket client = alice.connect(bob.localDestination());
            StreamSocket served = accepted.get(5, TimeUnit.SECONDS);
            acceptor.join(5_000);

            for (StreamSocket socket : new StreamSocket[] {client, served}) {
                assertThat(socket.getReadTimeout()).as("%s read timeout", socket.role()).isEqualTo(Duration.ofMillis(1));
                assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            }
        }
    }

    @Test
    void optionsBuiltEarlierDoNotChangeWhenTheBuilderDoes() {
        StreamOptions.Builder builder = StreamOptions.builder().acceptBacklog(5);
        StreamOptions first = builder.build();

        builder.acceptBacklog(6).connectTimeout(Duration.ofSeconds(1));

        assertThat(first.acceptBacklog()).isEqualTo(5);
        assertThat(first.connectTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(builder.build().acceptBacklog()).isEqualTo(6);
    }

    static Stream<Arguments> nonPositiveDurations() {
        return Stream.of(Duration.ZERO, Duration.ofNanos(-1), Duration.ofSeconds(-5))
                .flatMap(duration -> Stream.of(
                        Arguments.of("connectTimeout", duration),
                        Arguments.of("acceptTimeout", duration)));
    }

    @ParameterizedTest(name = "{0}({1})")
    @MethodSource("nonPositiveDurations")
    void timeoutsMustBePositive(String setting, Duration value) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> durationSetter(setting).accept(value))
                .withMessageStartingWith(setting + " must be positive")
                .withMessageContaining(value.toString());
    }

    @ParameterizedTest(name = "readTimeout({0})")
    @ValueSource(longs = {-1, -1000})
    void readTimeoutMustNotBeNegative(long millis) {
        Duration value = Duration.ofMillis(millis);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> StreamOptions.builder().readTimeout(value))
                .withMessageStartingWith("readTimeout must not be negative")
                .withMessageContaining(value.toString());
    }

    @ParameterizedTest(name = "{0}(null)")
    @ValueSource(strings = {"connectTimeout", "readTimeout", "acceptTimeout"})
    void durationsMustNotBeNull(String setting) {
        assertThatNullPointerException()
                .isThrownBy(() -> durationSetter(setting).accept(null))
                .withMessage(setting);
    }

    static Stream<Arguments> sizesBelowOne() {
        return Stream.of(0, -1, Integer.MIN_VALUE)
                .flatMap(size -> Stream.of(
                        Arguments.of("acceptBacklog", size),
                        Arguments.of("receiveBufferSize", size),
                        Arguments.of("maxReceiveWindow", size),
                        Arguments.of("plainReceiveAllowance", size)));
    }

    @ParameterizedTest(name = "{0}({1})")
    @MethodSource("sizesBelowOne")
    void sizesMustBeAtLeastOne(String setting, int value) {
        StreamOptions.Builder builder = StreamOptions.builder();
        Function<Integer, StreamOptions.Builder> setter = switch (setting) {
            case "acceptBacklog" -> builder::acceptBacklog;
            case "plainReceiveAllowance" -> builder::plainReceiveAllowance;
            case "maxReceiveWindow" -> builder::maxReceiveWindow;
            default -> builder::receiveBufferSize;
        };

        assertThatIllegalArgumentException()
                .isThrownBy(() -> setter.apply(value))
                .withMessage(setting + " must be at least 1: " + value);
    }

    @Test
    void windowsAreAtMostOneGibibyteAndTheMaximumReachesTheEngine() {
        assertThat(StreamOptions.builder().maxReceiveWindow(1 << 30).build().engineSettings().maxReceiveWindow()).isEqualTo(1 << 30);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StreamOptions.builder().maxReceiveWindow((1 << 30) + 1))
                .withMessage("maxReceiveWindow must be at most 1 GiB: " + ((1 << 30) + 1));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StreamOptions.builder().receiveBufferSize(Integer.MAX_VALUE))
                .withMessage("receiveBufferSize must be at most 1 GiB: " + Integer.MAX_VALUE);
    }

    @Test
    void randomAndListenerMustNotBeNull() {
        assertThatNullPointerException().isThrownBy(() -> StreamOptions.builder().random(null)).withMessage("random");
        assertThatNullPointerException().isThrownBy(() -> StreamOptions.builder().messageListener(null)).withMessage("messageListener");
    }

    @Test
    void aRefusedValueLeavesTheBuilderAsItWas() {
        StreamOptions.Builder builder = StreamOptions.builder().acceptBacklog(9);

        assertThatIllegalArgumentException().isThrownBy(() -> builder.acceptBacklog(0));

        assertThat(builder.build().acceptBacklog()).isEqualTo(9);
    }

    private static ThrowingConsumer<Duration> durationSetter(String setting) {
        StreamOptions.Builder builder = StreamOptions.builder();
        return switch (setting) {
            case "connectTimeout" -> builder::connectTimeout;
            case "readTimeout" -> builder::readTimeout;
            case "acceptTimeout" -> builder::acceptTimeout;
            default -> throw new IllegalArgumentException(setting);
        };
    }
}
