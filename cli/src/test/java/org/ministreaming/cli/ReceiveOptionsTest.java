package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.ministreaming.StreamOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code --receive-buffer}, {@code --plain-receive-allowance} and {@code --receive-budget}: on
 * every command that opens a manager, read as sizes, handed to the managers' options, and
 * refused with a usage error when they make no sense.
 */
@Timeout(120)
class ReceiveOptionsTest {

    /** A command that only holds the options, to see what they give. */
    @Command(name = "probe")
    static final class Probe implements Runnable {
        @Mixin
        ReceiveOptions receive;

        @Override
        public void run() {
        }
    }

    private static StreamOptions parse(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.receive.applyTo(StreamOptions.builder()).build();
    }

    @Test
    void givenSizesReachTheManagersOptions() {
        StreamOptions options = parse("--receive-buffer", "1M", "--max-receive-window", "4M", "--plain-receive-allowance", "64M",
                "--receive-budget", "2G");

        assertThat(options.receiveBufferSize()).isEqualTo(1 << 20);
        assertThat(options.maxReceiveWindow()).isEqualTo(4 << 20);
        assertThat(options.plainReceiveAllowance()).isEqualTo(64 << 20);
        assertThat(options.receiveBudget()).isEqualTo(2L << 30);
    }

    @Test
    void optionsNotGivenKeepTheLibrarysDefaults() {
        StreamOptions options = parse();

        assertThat(options.receiveBufferSize()).isEqualTo(StreamOptions.DEFAULT_RECEIVE_BUFFER_SIZE);
        assertThat(options.maxReceiveWindow()).isEqualTo(StreamOptions.DEFAULT_MAX_RECEIVE_WINDOW);
        assertThat(options.plainReceiveAllowance()).isEqualTo(StreamOptions.DEFAULT_PLAIN_RECEIVE_ALLOWANCE);
        assertThat(options.receiveBudget()).isEqualTo(StreamOptions.defaultReceiveBudget());
    }

    @ParameterizedTest
    @ValueSource(strings = {"server", "client", "listen", "connect", "demo", "bench"})
    void everyCommandThatOpensAManagerHasThemInItsHelp(String command) {
        Run run = Run.of(command, "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().replaceAll("\\s+", " "))
                .contains("--receive-buffer=SIZE", "--max-receive-window=SIZE", "--plain-receive-allowance=SIZE", "--receive-budget=SIZE",
                        "Default: 32M", "at most 256M");
    }

    @ParameterizedTest(name = "{0} {1}={2}")
    @CsvSource({
        "connect, --receive-buffer, 0",
        "connect, --plain-receive-allowance, 2G",
        "connect, --receive-budget, -5",
        "client, --receive-budget, lots",
        "listen, --plain-receive-allowance, 0",
        "server, --receive-buffer, 3G",
        "demo, --plain-receive-allowance, 4G",
        "demo, --receive-budget, 0",
        "bench, --plain-receive-allowance, 2G",
        "bench, --max-receive-window, 2G"})
    void nonsenseIsAUsageErrorInOneLine(String command, String option, String value) {
        String[] args = switch (command) {
            case "connect" -> new String[] {command, option + "=" + value, "tcp://127.0.0.1:1"};
            case "client" -> new String[] {command, option + "=" + value, "--peer", "tcp://127.0.0.1:1", "--listen", "127.0.0.1:0"};
            case "listen" -> new String[] {command, option + "=" + value, "--listen", "tcp://127.0.0.1:0"};
            case "server" -> new String[] {command, option + "=" + value, "--listen", "tcp://127.0.0.1:0", "--forward", "127.0.0.1:1"};
            default -> new String[] {command, option + "=" + value};
        };

        Run run = Run.of(args);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).doesNotContain("listening on");
        assertThat(run.err().lines()).singleElement().asString()
                .startsWith("ministreaming: ").contains(option).endsWith("(see 'ministreaming " + command + " --help')");
    }

    @Test
    void theDemosTransferUsesTheGivenWindow() {
        Run run = Run.of("demo", "--size", "1M", "--receive-buffer", "64K", "--plain-receive-allowance", "1M", "--receive-budget", "8M");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("the sender waits whenever the receiver's window is full (64 KiB at first, growing to 16 MiB");
    }

    @Test
    void theDemoSaysWhenTheWindowIsFixed() {
        Run run = Run.of("demo", "--size", "1M", "--receive-buffer", "64K", "--max-receive-window", "64K");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("the sender waits whenever the receiver's window is full (64 KiB, fixed)");
    }
}
