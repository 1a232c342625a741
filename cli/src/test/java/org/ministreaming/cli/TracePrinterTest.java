package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;

class TracePrinterTest {

    private static final Destination BOB = MemoryNetwork.destination("bob");
    private static final ConnectionId CLIENT_ID = new ConnectionId(0x123456);
    private static final ConnectionId SERVER_ID = new ConnectionId(0x987654);

    @Test
    void linesNameThePeerAndReadBackThroughTrace() {
        StringWriter printed = new StringWriter();
        try (TracePrinter printer = new TracePrinter(new PrintWriter(printed))) {
            printer.sent(BOB, Message.syn(CLIENT_ID, "alice".getBytes(StandardCharsets.US_ASCII)));
            printer.received(BOB, Message.ack(CLIENT_ID, SERVER_ID));
            printer.sent(BOB, Message.of(MessageType.CLIENT_DATA, SERVER_ID, new byte[] {'h', 'i'}));
            printer.received(BOB, Message.serverClose(CLIENT_ID));
        }
        List<String> lines = printed.toString().lines().toList();

        assertThat(lines).hasSize(4).allSatisfy(line -> assertThat(line).startsWith("mem:bob "));
        assertThat(lines.get(2)).startsWith("mem:bob C->S A0 98 76 54 68 69").endsWith("(data, 2 bytes)");
        for (int i = 0; i < lines.size(); i++) {
            Optional<TraceLine.Result> decoded = TraceLine.decode(lines.get(i), i + 1);
            assertThat(decoded).as(lines.get(i)).hasValueSatisfying(result -> assertThat(result.malformed()).isFalse());
            assertThat(decoded.orElseThrow().text()).isEqualTo(lines.get(i));
        }
    }

    @Test
    void aPeerWithoutAnArrowIsNoHex() {
        Optional<TraceLine.Result> decoded = TraceLine.decode("mem:bob A0 98 76 54 68 69", 1);

        assertThat(decoded).hasValueSatisfying(result -> {
            assertThat(result.malformed()).isTrue();
            assertThat(result.text()).startsWith("MALFORMED NOT_HEX: line 1 (mem:bob A0 98 76 54 68 69): 'mem:bob' is not hex bytes");
        });
    }
}
