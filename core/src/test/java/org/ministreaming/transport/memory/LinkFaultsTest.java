package org.ministreaming.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link MemoryNetwork}, {@link MemoryTransport}, {@link Inbox} and {@link LinkFaults}. */
/** {@link LinkFaults}: validation and the with-methods. */
class LinkFaultsTest {

    @Test
    void noneIsAPerfectLink() {
        assertThat(LinkFaults.NONE).isEqualTo(new LinkFaults(Duration.ZERO, 0, 0, 0));
    }

    @Test
    void withMethodsChangeOneSettingAndKeepTheRest() {
        LinkFaults base = new LinkFaults(Duration.ofMillis(5), 1, 2, 3);

        assertThat(base.withDelay(Duration.ofMillis(7))).isEqualTo(new LinkFaults(Duration.ofMillis(7), 1, 2, 3));
        assertThat(base.withDropPercent(10)).isEqualTo(new LinkFaults(Duration.ofMillis(5), 10, 2, 3));
        assertThat(base.withDuplicatePercent(20)).isEqualTo(new LinkFaults(Duration.ofMillis(5), 1, 20, 3));
        assertThat(base.withReorderWindow(30)).isEqualTo(new LinkFaults(Duration.ofMillis(5), 1, 2, 30));
        assertThat(base).isEqualTo(new LinkFaults(Duration.ofMillis(5), 1, 2, 3));
    }

    @Test
    void boundaryValuesAreAccepted() {
        assertThatCode(() -> new LinkFaults(Duration.ZERO, 100, 100, 0)).doesNotThrowAnyException();
        assertThatCode(() -> new LinkFaults(Duration.ofDays(1), 0, 0, Integer.MAX_VALUE)).doesNotThrowAnyException();
    }

    static Stream<Arguments> invalidFaults() {
        return Stream.of(
                Arguments.of((Supplier<LinkFaults>) () -> new LinkFaults(Duration.ofMillis(-1), 0, 0, 0), "delay must not be negative"),
                Arguments.of((Supplier<LinkFaults>) () -> LinkFaults.NONE.withDelay(Duration.ofNanos(-1)), "delay must not be negative"),
                Arguments.of((Supplier<LinkFaults>) () -> new LinkFaults(Duration.ZERO, -0.01, 0, 0), "dropPercent must be 0-100"),
                Arguments.of((Supplier<LinkFaults>) () -> LinkFaults.NONE.withDropPercent(100.01), "dropPercent must be 0-100"),
                Arguments.of((Supplier<LinkFaults>) () -> LinkFaults.NONE.withDropPercent(Double.NaN), "dropPercent must be 0-100"),
                Arguments.of((Supplier<LinkFaults>) () -> LinkFaults.NONE.withDropPercent(Double.POSITIVE_INFINITY), "dropPercent must be 0-100"),
                Arguments.of((Supplier<LinkFaults>) () -> new LinkFaults(Duration.ZERO, 0, -1, 0), "duplicatePercent must be 0-100"),
                Arguments.of((Supplier<LinkFaults>) () -> LinkFaults.NONE.withDuplicatePercent(101), "duplicatePercent must be 0-100"),
                Arguments.of((Supplier<LinkFaults>) () -> LinkFaults.NONE.withDuplicatePercent(Double.NaN), "duplicatePercent must be 0-100"),
                Arguments.of((Supplier<LinkFaults>) () -> new LinkFaults(Duration.ZERO, 0, 0, -1), "reorderWindow must be >= 0"),
                Arguments.of((Supplier<LinkFaults>) () -> LinkFaults.NONE.withReorderWindow(Integer.MIN_VALUE), "reorderWindow must be >= 0"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidFaults")
    void invalidFaultsAreRejectedNamingTheSetting(Supplier<LinkFaults> make, String message) {
        assertThatIllegalArgumentException().isThrownBy(make::get).withMessageStartingWith(message);
    }

    @Test
    void aNullDelayIsRejected() {
        assertThatNullPointerException().isThrownBy(() -> LinkFaults.NONE.withDelay(null)).withMessage("delay");
    }
}
