package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

    @ParameterizedTest
    @CsvSource({
        "1, 1",
        "1000, 1000",
        "512K, 524288",
        "512k, 524288",
        "64M, 67108864",
        "64MiB, 67108864",
        "64mb, 67108864",
        "1G, 1073741824",
        "3G, 3221225472",
        "'  2 M ', 2097152",
        "17B, 17",
    })
    void readsSizes(String text, long bytes) {
        assertThat(ByteSize.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0M", "M", "1T", "1.5G", "-1", "1 0", "9223372036854775807K", "99999999999999999999"})
    void rejectsWhatIsNoSize(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> ByteSize.parse(text)).withMessageContaining("'" + text + "'");
    }

    @ParameterizedTest
    @CsvSource({
        "1, 1 byte",
        "1000, 1000 bytes",
        "1024, 1 KiB",
        "1536, 1.5 KiB",
        "67108864, 64 MiB",
        "69206016, 66 MiB",
        "1073741824, 1 GiB",
        "2147483647, 2.0 GiB",
    })
    void writesSizes(long bytes, String text) {
        assertThat(ByteSize.format(bytes)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({
        "10, 10, 10 bytes",
        "512, 1000, 512 bytes",
        "512, 4096, 0.5 KiB",
        "1048576, 4194304, 1.0 MiB",
        "52428.8, 52428.8, 51.2 KiB",
        "3670016000, 3670016000, 3500.0 MiB",
    })
    void scalesAmountsToTheUnitOfTheirScale(double amount, double scale, String text) {
        assertThat(ByteSize.scaled(amount, scale)).isEqualTo(text);
    }

    @Test
    void aSmallTransfersProgressCountsBytes() {
        StringWriter shown = new StringWriter();
        ProgressLine progress = new ProgressLine(new PrintWriter(shown), "transfer", 10, true);

        progress.accept(10);

        assertThat(shown.toString()).isEqualTo("\rtransfer: 10 of 10 bytes (100%)");
    }

    @Test
    void progressNobodyWatchesIsOneLineOnceDoneWithoutCarriageReturns() {
        StringWriter shown = new StringWriter();
        ProgressLine progress = new ProgressLine(new PrintWriter(shown), "transfer", 4L << 20, false);

        progress.accept(1L << 20);
        progress.accept(3L << 20);
        assertThat(shown.toString()).as("nothing before the end").isEmpty();
        progress.accept(4L << 20);
        progress.finish();

        assertThat(shown.toString()).isEqualTo("transfer: 4.0 of 4.0 MiB (100%)" + System.lineSeparator());
    }
}
