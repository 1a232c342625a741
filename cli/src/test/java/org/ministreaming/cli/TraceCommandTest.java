package org.ministreaming.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TraceCommandTest {

    /** The sample conversations of docs/protocol.md §6, as written there. */
    private static final String SAMPLES = """
            C->S A1 12 34 56 6D 65 6D 3A 61 6C 69 63 65   (SYN, 13 bytes)
            S->C 52 12 34 56                               (close = refused, 4 bytes)
            S->C 51 12 34 56 98 76 54                      (ACK: server id 98 76 54, 7 bytes)
            S->C 50 12 34 56 68 65 6C 6C 6F                (data "hello", 9 bytes)
            C->S A2 98 76 54                               (close, 4 bytes)
            C->S A0 98 76 54 47 45 54 20 2F 0D 0A          (data "GET /\\r\\n")
            S->C 52 12 34 56 3B 0E C4
            """;

    private static final List<String> DECODED = List.of(
            "C->S A1 12 34 56 6D 65 6D 3A 61 6C 69 63 65     (SYN, client id 12 34 56, 9 bytes of destination)",
            "S->C 52 12 34 56                                (close)",
            "S->C 51 12 34 56 98 76 54                       (ACK, client id 12 34 56, server id 98 76 54)",
            "S->C 50 12 34 56 68 65 6C 6C 6F                 (data, 5 bytes)",
            "C->S A2 98 76 54                                (close)",
            "C->S A0 98 76 54 47 45 54 20 2F 0D 0A           (data, 7 bytes)",
            "S->C 52 12 34 56 3B 0E C4                       (close, 3 payload bytes)");

    @TempDir
    private Path dir;

    @Test
    void decodesTheSeedsSampleLinesFromAFile() throws IOException {
        Run run = Run.of("trace", file(SAMPLES).toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out().lines()).containsExactlyElementsOf(DECODED);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void readsStandardInputWithoutAFileOrWithADash() {
        for (String[] args : List.of(new String[] {"trace"}, new String[] {"trace", "-"})) {
            Run run = withInput(SAMPLES, args);

            assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
            assertThat(run.out().lines()).containsExactlyElementsOf(DECODED);
        }
    }

    @Test
    void bytesNeedNoSpacesNorArrowsAndAnyCaseWillDo() {
        Run run = withInput("""
                a1123456 6d656d3a616c696365
                51 12 34 56 98 76 54
                ff
                53 12 34 56 00 01 00 00
                """, "trace");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out().lines()).containsExactly(
                DECODED.get(0),
                DECODED.get(2),
                "*->* FF                                         (chaff, 0 bytes)",
                "S->C 53 12 34 56 00 01 00 00                    (credit +65536)");
    }

    @Test
    void theSeedsTypoIsMalformedAndSaysWhy() {
        Run run = withInput("""
                S->C 51 11 11 11 (Close)
                51 11 11 11
                """, "trace");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.MALFORMED_INPUT);
        assertThat(run.out().lines()).containsExactly(
                "MALFORMED BAD_ACK_PAYLOAD: line 1 (S->C 51 11 11 11): an ACK carries the 3-byte server id,"
                        + " alone or followed by a credit trailer, got 0 payload bytes",
                "MALFORMED BAD_ACK_PAYLOAD: line 2 (51 11 11 11): an ACK carries the 3-byte server id,"
                        + " alone or followed by a credit trailer, got 0 payload bytes");
        assertThat(run.err()).isEqualTo("ministreaming: 2 of 2 lines were no valid message (lines 1, 2)\n");
    }

    @Test
    void garbageIsReportedByLineAndTheRestGoesOn() {
        Run run = withInput("""
                hello world
                A0 12 3
                C->S
                C->S 51 12 34 56 98 76 54
                A5 12 34 56
                A0 00 00 00 FF
                A1 12
                C->S A1 12 34 56 6D 65 6D 3A 61 6C 69 63 65 2D 64 65 73 6B 74 6F...   (SYN from mem:alice-desktop)
                \u0000\u00ff\ufffd binary
                A2 98 76 54
                """, "trace");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.MALFORMED_INPUT);
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(10);
        assertThat(lines.get(0)).startsWith("MALFORMED NOT_HEX: line 1 (hello world): 'hello' is not hex bytes");
        assertThat(lines.get(1)).startsWith("MALFORMED NOT_HEX: line 2 (A0 12 3): '3' is not hex bytes");
        assertThat(lines.get(2)).isEqualTo("MALFORMED TOO_SHORT: line 3 (C->S): a message needs at least 4 bytes, got 0");
        assertThat(lines.get(3)).isEqualTo("MALFORMED WRONG_ARROW: line 4 (C->S 51 12 34 56 98 76 54):"
                + " the arrow C->S does not fit type byte 51 (ACK), which goes S->C");
        assertThat(lines.get(4)).isEqualTo("MALFORMED UNKNOWN_TYPE: line 5 (A5 12 34 56): type byte A5 is not a defined message type");
        assertThat(lines.get(5)).startsWith("MALFORMED ZERO_ID: line 6 (A0 00 00 00 FF): connection id 00 00 00 is reserved");
        assertThat(lines.get(6)).isEqualTo("MALFORMED TOO_SHORT: line 7 (A1 12): a message needs at least 4 bytes, got 2");
        assertThat(lines.get(7)).startsWith("MALFORMED CUT: line 8 (C->S A1 12 34 56").contains("the notation cut its payload");
        assertThat(lines.get(8)).startsWith("MALFORMED NOT_HEX: line 9 (");
        assertThat(lines.get(9)).isEqualTo(DECODED.get(4));
        assertThat(run.err()).isEqualTo("ministreaming: 9 of 10 lines were no valid message (lines 1, 2, 3, 4, 5, 6, 7, 8, 9)\n");
    }

    @Test
    void mixedInputKeepsTheOrderAndCountsRealLinesOnly() throws IOException {
        Path input = file("""
                # a capture, annotated

                C->S A1 12 34 56 6D 65 6D 3A 61 6C 69 63 65   # SYN
                S->C 51 11 11 11 (Close)
                \t
                S->C 51 12 34 56 98 76 54
                """);

        Run run = Run.of("trace", input.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.MALFORMED_INPUT);
        assertThat(run.out().lines()).containsExactly(
                DECODED.get(0),
                "MALFORMED BAD_ACK_PAYLOAD: line 4 (S->C 51 11 11 11): an ACK carries the 3-byte server id,"
                        + " alone or followed by a credit trailer, got 0 payload bytes",
                DECODED.get(2));
        assertThat(run.err()).isEqualTo("ministreaming: 1 of 3 lines were no valid message (line 4)\n");
    }

    @Test
    void itsOwnOutputReadsBack() throws IOException {
        Run first = Run.of("trace", file(SAMPLES).toString());
        Run second = withInput(first.out(), "trace");

        assertThat(second.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(second.out()).isEqualTo(first.out());
    }

    @Test
    void emptyInputIsNoError() {
        Run run = withInput("", "trace");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEmpty();
    }

    @Test
    void aMissingFileIsAnIoErrorInOneLine() {
        Path missing = dir.resolve("no-such-capture.txt");

        Run run = Run.of("trace", missing.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("ministreaming: cannot read " + missing + ": no such file\n");
    }

    @Test
    void aDirectoryIsAnIoErrorToo() {
        Run run = Run.of("trace", dir.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(run.err()).startsWith("ministreaming: cannot read " + dir + ": ").doesNotContain("\tat ");
    }

    @Test
    void twoFilesAreAUsageError() {
        Run run = Run.of("trace", "a.txt", "b.txt");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("(see 'ministreaming trace --help')");
    }

    @Test
    void helpExplainsTheInputAndTheExitCodes() {
        Run run = Run.of("trace", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().replaceAll("\\s+", " ")).contains("Usage: ministreaming trace", "[FILE]", "MALFORMED <reason>",
                ExitCodes.MALFORMED_INPUT + " at least one line was no valid message");
    }

    private Path file(String content) throws IOException {
        Path path = Files.createTempFile(dir, "trace", ".txt");
        Files.writeString(path, content, UTF_8);
        return path;
    }

    private static Run withInput(String input, String... args) {
        CommandLine commandLine = Main.commandLine();
        TraceCommand trace = commandLine.getSubcommands().get("trace").getCommand();
        trace.standardInput = new ByteArrayInputStream(input.getBytes(UTF_8));
        return Run.of(commandLine, args);
    }
}
