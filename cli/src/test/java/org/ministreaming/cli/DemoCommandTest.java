package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.StreamManager;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.MemoryNetwork;
import picocli.CommandLine;

@Timeout(60)
class DemoCommandTest {

    private static final String ID = "\\p{XDigit}{2} \\p{XDigit}{2} \\p{XDigit}{2}";
    private static final String MEM_CLIENT = "6D 65 6D 3A 63 6C 69 65 6E 74";

    @Test
    void playsTheSeedsConversationsAndTransfersIntact() throws InterruptedException {
        Run run = Run.of("demo", "--size", "4M");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        int a = find(run.out(),
                "a) Service not available: the server never opened a server socket",
                "   C->S A1 {C} " + MEM_CLIENT + "~(SYN, client id {C}, 10 bytes of destination)",
                "   S->C 52 {C}~(close)",
                "   client: connect failed as it should: connection refused by mem:server",
                "   matches the protocol text: A1 52");
        int b = find(run.out(),
                "b) Service available, server sends data, client closes",
                "   C->S A1 {C} " + MEM_CLIENT + "~(SYN, client id {C}, 10 bytes of destination)",
                "   S->C 51 {C} {S}~(ACK, client id {C}, server id {S})",
                "   S->C 50 {C} 77 65 6C 63 6F 6D 65~(data, 7 bytes)",
                "   C->S A2 {S}~(close)",
                "   client: read \"welcome\", then closed",
                "   matches the protocol text: A1 51 50 A2");
        int c = find(run.out(),
                "c) Service available, client sends data first, server closes after answer (HTTP)",
                "   C->S A1 {C} " + MEM_CLIENT + "~(SYN, client id {C}, 10 bytes of destination)",
                "   S->C 51 {C} {S}~(ACK, client id {C}, server id {S})",
                "   C->S A0 {S} 47 45 54 20 2F~(data, 5 bytes)",
                "   S->C 50 {C} 32 30 30 20 4F 4B 2C 20~(data, 8 bytes)",
                "   S->C 50 {C} 68 65 6C 6C 6F~(data, 5 bytes)",
                "   S->C 52 {C}~(close)",
                "   client: sent \"GET /\", read \"200 OK, hello\", then end of stream",
                "   (the protocol text ends this sample with 'S->C 51 11 11 11 (Close)', a typo: the server's close is 52)",
                "   matches the protocol text: A1 51 A0 50 50 52");
        int transfer = find(run.out(),
                "Bulk transfer: 4 MiB of random data (seed 1) from mem:sender to mem:receiver over one connection",
                "   with flow control: the sender waits whenever the receiver's window is full (256 KiB at first, growing to 16 MiB while the reader keeps up)",
                "   4194304 bytes in [0-9.]+ s: [0-9.]+ MiB/s",
                "   SHA-256 of sent and received bytes match: \\p{XDigit}{64}");
        assertThat(List.of(a, b, c, transfer)).isSorted();
        assertThat(traceLines(run.out())).hasSize(12).allSatisfy(line -> assertThat(line.indexOf('(')).isEqualTo(51));

        assertThat(run.err()).contains("transfer: 4.0 of 4.0 MiB (100%)\n").doesNotContain("\r");
        assertThat(run.err().replace("transfer: 4.0 of 4.0 MiB (100%)\n", "")).as("stderr besides the progress line").isBlank();
        ThreadLeaks.awaitNoneLeft(ThreadLeaks.LIBRARY, "demo-");
    }

    @Test
    void transfersASizeSmallerThanOneMessage() {
        Run run = Run.of("demo", "--size", "1000", "--seed", "7");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("Bulk transfer: 1000 bytes of random data (seed 7)")
                .contains("   1000 bytes in ")
                .contains("SHA-256 of sent and received bytes match");
    }

    @Test
    void aTransferThatArrivesAlteredFailsWithExitCodeOne() {
        CommandLine commandLine = Main.commandLine();
        DemoCommand demo = commandLine.getSubcommands().get("demo").getCommand();
        FlipOneByte flip = new FlipOneByte();
        demo.transferNetwork = real -> {
            MemoryNetwork network = new MemoryNetwork();
            return (name, listening, options) -> StreamManager.open(
                    name.equals("sender") ? flip.on(network.endpoint(name)) : network.endpoint(name), options);
        };

        Run run = Run.of(commandLine, "demo", "--size", "100000");

        assertThat(flip.flipped).as("the link altered one byte").isTrue();
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("matches the protocol text: A1 52", "matches the protocol text: A1 51 50 A2", "matches the protocol text: A1 51 A0 50 50 52")
                .containsPattern("\n   SHA-256 differs: sent (\\p{XDigit}{64}), received (?!\\1)\\p{XDigit}{64}\n")
                .doesNotContain("SHA-256 of sent and received bytes match");
        assertThat(run.err()).endsWith("ministreaming: demo failed: the bytes received differ from the bytes sent\n");
    }

    @Test
    void aTransferBeyondTheReceiveBudgetEndsWithTheReceiversErrorNamingTheOption() {
        Run run = Run.of("demo", "--receive-budget", "100K", "--size", "4M");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.IO_ERROR);
        String last = run.err().lines().reduce((first, second) -> second).orElse("");
        assertThat(last).startsWith("ministreaming: demo-receiver: receive budget exhausted: ")
                .contains("raise --receive-budget").doesNotContain("receiveBudget").doesNotContain("closed by peer");
    }

    @Test
    void helpDescribesTheOptions() {
        Run run = Run.of("demo", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: ministreaming demo").contains("--size=SIZE").contains("Default: 64M");
    }

    /** The lines that show messages in the seed's notation. */
    private static List<String> traceLines(String out) {
        return out.lines().filter(line -> line.startsWith("   C->S ") || line.startsWith("   S->C ")).toList();
    }

    /**
     * Finds consecutive lines matching the templates: {@code ~} stands for padding, {@code {C}}
     * and {@code {S}} for the client and server id (the same one throughout), and the rest is
     * literal except in the transfer's lines, which are regular expressions.
     *
     * @return where the lines start
     */
    private static int find(String out, String... templates) {
        StringBuilder regex = new StringBuilder("(?m)^");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < templates.length; i++) {
            if (i > 0) {
                regex.append('\n');
            }
            regex.append(toRegex(templates[i], seen));
        }
        regex.append('$');
        Matcher matcher = Pattern.compile(regex.toString()).matcher(out);
        assertThat(matcher.find()).as("lines\n%s\nin\n%s", String.join("\n", templates), out).isTrue();
        return matcher.start();
    }

    private static String toRegex(String template, List<String> seen) {
        if (template.contains("[0-9.]") || template.contains("\\p{")) {
            return template;
        }
        StringBuilder regex = new StringBuilder();
        Matcher part = Pattern.compile("\\{([CS])}|~").matcher(template);
        int literalStart = 0;
        while (part.find()) {
            regex.append(Pattern.quote(template.substring(literalStart, part.start())));
            if (part.group().equals("~")) {
                regex.append(" +");
            } else if (seen.contains(part.group(1))) {
                regex.append("\\k<").append(part.group(1)).append('>');
            } else {
                seen.add(part.group(1));
                regex.append("(?<").append(part.group(1)).append('>').append(ID).append(')');
            }
            literalStart = part.end();
        }
        return regex.append(Pattern.quote(template.substring(literalStart))).toString();
    }

    /** Wraps a transport so that the first data message it sends arrives with its last byte changed. */
    private static final class FlipOneByte {
        volatile boolean flipped;

        Transport on(Transport inner) {
            return new Transport() {
                @Override
                public Destination localDestination() {
                    return inner.localDestination();
                }

                @Override
                public byte[] synPayload() {
                    return inner.synPayload();
                }

                @Override
                public void start(Receiver receiver) throws IOException {
                    inner.start(receiver);
                }

                @Override
                public void send(Destination to, ByteBuffer message) throws IOException {
                    if (!flipped && message.remaining() > 4 && message.get(message.position()) == (byte) 0xA0) {
                        ByteBuffer altered = ByteBuffer.allocate(message.remaining()).put(message.duplicate()).flip();
                        altered.put(altered.limit() - 1, (byte) (altered.get(altered.limit() - 1) ^ 0x01));
                        flipped = true;
                        inner.send(to, altered);
                        return;
                    }
                    inner.send(to, message);
                }

                @Override
                public boolean reply(Destination to, ByteBuffer message) {
                    return inner.reply(to, message);
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }
    }
}
