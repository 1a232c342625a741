package org.ministreaming.bench.throughput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ThroughputTest {

    @Test
    void theDataRepeatsItsPeriodSoThatAnyChunkIsOneRange() {
        Data data = Data.of(3000, 7);

        assertThat(data.bytes()).hasSize(Data.PERIOD + 3000);
        for (int i = 0; i < 3000; i++) {
            assertThat(data.bytes()[Data.PERIOD + i]).isEqualTo(data.bytes()[i]);
        }
        assertThat(data.offset(Data.PERIOD * 5L + 17)).isEqualTo(17);
        assertThat(Data.of(3000, 7).bytes()).as("seeded").isEqualTo(data.bytes());
    }

    @Test
    void aChunkLargerThanThePeriodStillRepeatsIt() {
        Data data = Data.of(3 * Data.PERIOD, 1);

        assertThat(data.bytes()[3 * Data.PERIOD + 5]).isEqualTo(data.bytes()[5]);
    }

    @Test
    void countsEveryStreamsShare() throws IOException {
        Result result = Throughput.transfer(new Pipes(UnaryOperator.identity()), 3_000_001, 3, 4096,
                Data.of(4096, 1), true, done -> { });

        assertThat(result.bytes()).isEqualTo(3_000_001);
        assertThat(result.nanos()).isPositive();
        assertThat(result.mebibytesPerSecond()).isPositive();
    }

    @Test
    void verificationFindsAChangedByte() {
        Pipes corrupting = new Pipes(out -> new FilterOutputStream(out) {
            private long position;

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                byte[] copy = Arrays.copyOfRange(bytes, offset, offset + length);
                if (position <= 100_000 && 100_000 < position + length) {
                    copy[(int) (100_000 - position)] ^= 1;
                }
                position += length;
                out.write(copy);
            }
        });

        assertThatThrownBy(() -> Throughput.transfer(corrupting, 1 << 20, 1, 4096, Data.of(4096, 1), true, done -> { }))
                .isInstanceOf(MismatchException.class)
                .hasMessage("stream 1: byte 100000 differs from the byte sent");
    }

    @Test
    void aShortStreamFailsEvenWithoutVerification() {
        Pipes losing = new Pipes(out -> new FilterOutputStream(out) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length - 1);
            }
        });

        assertThatThrownBy(() -> Throughput.transfer(losing, 8192, 1, 4096, Data.of(4096, 1), false, done -> { }))
                .isInstanceOf(MismatchException.class)
                .hasMessage("stream 1: received 8190 of 8192 bytes sent");
    }

    /** Streams over in-process pipes, with a filter on the sending side. */
    private static final class Pipes implements Path {
        private final UnaryOperator<OutputStream> filter;

        Pipes(UnaryOperator<OutputStream> filter) {
            this.filter = filter;
        }

        @Override
        public String name() {
            return "pipes";
        }

        @Override
        public List<Stream> open(int count) throws IOException {
            List<Stream> streams = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                PipedInputStream in = new PipedInputStream(64 * 1024);
                PipedOutputStream out = new PipedOutputStream(in);
                OutputStream filtered = filter.apply(out);
                streams.add(new Stream(filtered, in, filtered, in));
            }
            return streams;
        }

        @Override
        public void close() {
        }
    }
}
