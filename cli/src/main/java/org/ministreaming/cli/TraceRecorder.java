package org.ministreaming.cli;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.ministreaming.MessageListener;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.MalformedMessageException;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;
import org.ministreaming.wire.Packet;
import org.ministreaming.wire.TraceFormat;

/**
 * Records every message one manager sends and receives as a line in the seed's notation with a
 * comment, for example {@code C->S A2 98 76 54 (close)}, in the order the engine reports them.
 *
 * <p>Thread-safe: the engine reports from its sending and receiving threads while another
 * thread takes the lines.
 */
final class TraceRecorder implements MessageListener {

    /**
     * One observed message.
     *
     * @param type its type, or {@code null} if it was malformed
     * @param line its trace line
     */
    record Entry(MessageType type, String line) {
    }

    /** Width of the notation column: a plain SYN from {@code mem:client} fits. */
    private static final int NOTATION_WIDTH = 47;

    private final List<Entry> entries = new ArrayList<>();

    /** Records a message the manager sent. */
    @Override
    public void sent(Destination to, Packet packet) {
        add(new Entry(packet.type(), line(TraceFormat.format(packet), TraceFormat.describe(packet))));
    }

    /** Records a message or chaff the manager received. */
    @Override
    public void received(Destination from, Packet packet) {
        add(new Entry(packet.type(), line(TraceFormat.format(packet), TraceFormat.describe(packet))));
    }

    /** Records bytes the manager received that are no message, with what is wrong with them. */
    @Override
    public void malformed(Destination from, byte[] bytes, MalformedMessageException problem) {
        String shown = HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes, 0, Math.min(bytes.length, Message.HEADER_LENGTH));
        add(new Entry(null, line(shown + (bytes.length > Message.HEADER_LENGTH ? "..." : ""), "malformed: " + problem.getMessage())));
    }

    /** The messages recorded since the last call, oldest first. */
    synchronized List<Entry> take() {
        List<Entry> taken = List.copyOf(entries);
        entries.clear();
        return taken;
    }

    private synchronized void add(Entry entry) {
        entries.add(entry);
    }

    private static String line(String notation, String comment) {
        return String.format("%-" + NOTATION_WIDTH + "s (%s)", notation, comment);
    }
}
