package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ministreaming.testing.ThreadLeaks;

@Timeout(120)
class BenchCommandTest {

    private static final String RATE = "[0-9]+ bytes in [0-9.]+ s: [0-9.]+ MiB/s \\(CPU [0-9.]+ s, [0-9.]+ s per GiB; JIT compiling [0-9]+ ms\\)";

    @AfterEach
    void noThreadIsLeft() throws InterruptedException {
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY, "bench-");
    }

    @Test
    void oneStreamPrintsBothThroughputsAndTheirRatioAfterAWarmUp() {
        Run run = Run.of("bench", "--size", "4M", "--rounds", "1", "--warmup", "64M", "--warmup-turns", "1");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("Benchmark: 4 MiB one way over 1 stream on loopback, written in chunks of 64 KiB")
                .contains("flow control with a 256 KiB window")
                .contains("Warm-up: 64 MiB over each path first, not counted, so that the JIT has compiled the hot paths: one turn\n"
                        + "   turn 1: ");
        long ministreaming = bytes(run.out(), "ministreaming: ");
        long raw = bytes(run.out(), "raw TCP:       ");
        assertThat(ministreaming).isEqualTo(4L << 20);
        assertThat(raw).isEqualTo(4L << 20);
        assertThat(ratio(run.out())).isPositive();
        assertThat(run.out().indexOf("\nministreaming: ")).isLessThan(run.out().indexOf("\nraw TCP: "))
                .isLessThan(run.out().indexOf("\nratio ministreaming / raw TCP: "));
        assertThat(run.err())
                .contains("warm-up, ministreaming: 64.0 of 64.0 MiB (100%)\n", "warm-up, raw TCP: 64.0 of 64.0 MiB (100%)\n",
                        "ministreaming: 4.0 of 4.0 MiB (100%)\n", "raw TCP: 4.0 of 4.0 MiB (100%)\n");
        assertThat(run.err().replaceAll("[^\n]*: [0-9.]+ of [0-9.]+ MiB \\(100%\\)\n", "")).as("stderr besides the progress lines").isBlank();
        assertThat(run.out()).doesNotContain("Round ", "medians");
    }

    @Test
    void warmUpTurnsGoOnUntilTheCompilerIsQuietOrTheLastTurn() {
        Run run = Run.of("bench", "--size", "1M", "--rounds", "1", "--warmup", "2M", "--warmup-turns", "4");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("Warm-up: 2 MiB over each path first, not counted, so that the JIT has compiled the hot paths:"
                + " in turns until the compiler is quiet, at most 4\n");
        Matcher turns = Pattern.compile("(?m)^   turn ([0-9]+): ([0-9]+) ms; JIT compiling ([0-9]+) ms \\(over all compiler threads\\)(.*)$").matcher(run.out());
        int count = 0;
        String last = "";
        while (turns.find()) {
            count++;
            assertThat(Integer.parseInt(turns.group(1))).isEqualTo(count);
            assertThat(last).as("only the last turn ends the warm-up").isEmpty();
            last = turns.group(4);
            if (last.equals(": quiet")) {
                // At most 5 % of the turn (its length printed in whole milliseconds, rounded down).
                assertThat(Long.parseLong(turns.group(3)) * 20).isLessThanOrEqualTo(Long.parseLong(turns.group(2)) + 1);
            }
        }
        assertThat(count).as(run.out()).isBetween(1, 4);
        if (count < 4) {
            assertThat(last).isEqualTo(": quiet");
        } else {
            assertThat(last).isIn(": quiet", ": still busy; the first rounds may include its work");
        }
        assertThat(run.err().split("warm-up, ministreaming: 2.0 of 2.0 MiB \\(100%\\)\n", -1)).hasSize(count + 1);
        assertThat(run.err().split("warm-up, raw TCP: 2.0 of 2.0 MiB \\(100%\\)\n", -1)).hasSize(count + 1);
    }

    @Test
    void roundsTakeTurnsAndEndWithTheMediansOfTheirRatios() {
        Run run = Run.of("bench", "--size", "2M", "--warmup", "1M", "--warmup-turns", "1", "--rounds", "3");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        String out = run.out();
        assertThat(out).contains("Round 1 of 3:\nministreaming: ", "Round 2 of 3:\nraw TCP: ", "Round 3 of 3:\nministreaming: ");
        // A transfer this short may take too little CPU time to measure: the CPU ratio is left out then.
        Matcher ratios = Pattern.compile("(?m)^ratio ministreaming / raw TCP: ([0-9]+\\.[0-9]{2})(, CPU per GiB [0-9]+\\.[0-9]{2} times raw TCP's)?$")
                .matcher(out);
        List<Double> ratio = new ArrayList<>();
        while (ratios.find()) {
            ratio.add(Double.parseDouble(ratios.group(1)));
        }
        assertThat(ratio).as(out).hasSize(3);
        Matcher medians = Pattern.compile("(?m)^medians of 3 rounds: ratio ministreaming / raw TCP ([0-9]+\\.[0-9]{2})"
                + "(, CPU per GiB [0-9]+\\.[0-9]{2} times raw TCP's)?$").matcher(out);
        assertThat(medians.find()).as(out).isTrue();
        Collections.sort(ratio);
        assertThat(Double.parseDouble(medians.group(1))).isEqualTo(ratio.get(1));
        // Rounds this short may well differ: then a note on raw TCP's spread ends the output, else nothing does.
        assertThat(out.substring(medians.end())).as(out)
                .matches("\\R(note: raw TCP moved [0-9]+ to [0-9]+ MiB/s in these rounds: [^\\n]+\\R)?");
        assertThat(out.split("\nministreaming: ", -1)).hasSize(4);
        assertThat(out.split("\nraw TCP: ", -1)).hasSize(4);
    }

    @Test
    void threeStreamsShareAnUnevenSizeAndVerifyEveryByte() {
        Run run = Run.of("bench", "--size", "4000001", "--streams", "3", "--verify", "--warmup", "1M", "--warmup-turns", "1", "--chunk", "10000");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("over 3 streams on loopback, written in chunks of 9.8 KiB")
                .contains("raw TCP: 3 java.net.Socket pairs")
                .contains("every byte received is compared with the byte sent");
        assertThat(bytes(run.out(), "ministreaming: ")).isEqualTo(4_000_001L);
        assertThat(bytes(run.out(), "raw TCP:       ")).isEqualTo(4_000_001L);
        assertThat(ratio(run.out())).isPositive();
    }

    @Test
    void moreStreamsThanWarmUpBytesAndNoWarmUpWork() {
        Run few = Run.of("bench", "--size", "1M", "--streams", "4", "--warmup", "2", "--warmup-turns", "1");
        Run none = Run.of("bench", "--size", "1M", "--warmup", "0", "--receive-buffer", "1M");

        assertThat(few.exitCode()).as(few.err()).isEqualTo(ExitCodes.OK);
        assertThat(few.out()).contains("Warm-up: 2 bytes over each path first");
        assertThat(none.exitCode()).as(none.err()).isEqualTo(ExitCodes.OK);
        assertThat(none.out()).contains("Warm-up: none (--warmup 0)").contains("flow control with a 1 MiB window").doesNotContain("turn 1");
        assertThat(bytes(none.out(), "ministreaming: ")).isEqualTo(1L << 20);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--streams=0", "--streams=65", "--streams=x", "--size=0", "--size=1X", "--chunk=0", "--chunk=17M",
        "--warmup=-1", "--warmup=abc", "--warmup-turns=0", "--warmup-turns=101", "--rounds=0", "--rounds=101", "--receive-buffer=0", "--receive-buffer=2G", "--size=2 --streams=3", "--bogus", "extra"})
    void badArgumentsAreUsageErrorsInOneLine(String arguments) {
        String[] args = ("bench " + arguments).split(" ");

        Run run = Run.of(args);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).singleElement().asString()
                .startsWith("ministreaming: ")
                .endsWith("(see 'ministreaming bench --help')");
    }

    @Test
    void helpNamesTheOptionsAndTheirDefaults() {
        Run run = Run.of("bench", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().replaceAll("\\s+", " ")).contains("Usage: ministreaming bench", "--size=SIZE", "Default: 1G", "--streams=N",
                "--chunk=SIZE", "Default: 64K", "--warmup=SIZE", "Default: 1G", "--warmup-turns=N", "Default: 10", "--rounds=N", "Default: 4", "--verify", "--receive-buffer=SIZE");
    }

    @Test
    void theMainHelpListsTraceAndBench() {
        Run run = Run.of("--help");

        assertThat(run.out()).containsPattern("(?m)^\\s+trace\\s+\\S").containsPattern("(?m)^\\s+bench\\s+\\S");
    }

    /** The byte count on the line starting with {@code label}, checking the rest of the line. */
    private static long bytes(String out, String label) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(label) + "(" + RATE + ")$").matcher(out);
        assertThat(line.find()).as("a line '%s...' in%n%s", label, out).isTrue();
        return Long.parseLong(line.group(1).substring(0, line.group(1).indexOf(' ')));
    }

    private static double ratio(String out) {
        Matcher line = Pattern.compile("(?m)^ratio ministreaming / raw TCP: ([0-9]+\\.[0-9]{2})(, CPU per GiB [0-9]+\\.[0-9]{2} times raw TCP's)?$")
                .matcher(out);
        assertThat(line.find()).as("the ratio in%n%s", out).isTrue();
        return Double.parseDouble(line.group(1));
    }
}
