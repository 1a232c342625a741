package org.ministreaming.engine;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ministreaming.fuzz.Seeds;
import org.ministreaming.fuzz.WireArbitraries;

/**
 * What a fuzzing peer does to a {@link DispatcherHarness}: send messages, and make the
 * application accept, read, write and close its connections. A script is a list of
 * {@link Step}s, and as bytes (for Jazzer and its inputs directory) a sequence of frames, each
 * starting with a byte whose low 3 bits give the kind:
 *
 * <pre>
 *  0  send from mallory:         length (2 bytes, big-endian), then that many bytes
 *  1  send from eve:             the same
 *  2  large send from mallory:   header (4 bytes), length (2 bytes), fill seed (1 byte);
 *                                the payload is that many pseudo-random bytes
 *  3  large send from eve:       the same
 *  4  accept
 *  5  read:                      connection (1 byte), most bytes to read minus 1 (1 byte)
 *  6  write:                     connection (1 byte), length (2 bytes)
 *  7  close:                     connection (1 byte)
 * </pre>
 *
 * Every byte array is a script: missing bytes read as 0, and a length is cut to what is left.
 * Connections are numbered in {@link DispatcherHarness#fuzzable} order, modulo its size.
 */
final class FuzzScript {

    /** One thing the fuzzing side does. */
    sealed interface Step permits Send, Accept, Read, Write, Close {
    }

    /**
     * A transport message from a fuzzing peer.
     *
     * @param peer index into {@link DispatcherHarness#FUZZING_PEERS}
     */
    record Send(int peer, byte[] bytes) implements Step {
        @Override
        public String toString() {
            int shown = Math.min(bytes.length, 24);
            return "Send[" + DispatcherHarness.FUZZING_PEERS.get(peer) + ", " + bytes.length + " bytes: "
                    + HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes, 0, shown) + (shown < bytes.length ? " ..." : "") + "]";
        }
    }

    /** The application accepts a connection, if one is waiting. */
    record Accept() implements Step {
    }

    /** The application reads up to {@code max} bytes from a connection, if any are buffered. */
    record Read(int connection, int max) implements Step {
    }

    /** The application writes {@code length} bytes to a connection, waiting at most 1 ms for credit. */
    record Write(int connection, int length) implements Step {
    }

    /** The application closes a connection. */
    record Close(int connection) implements Step {
    }

    private FuzzScript() {
    }

    /** Reads any bytes as a script. */
    static List<Step> parse(byte[] script) {
        Reader in = new Reader(script);
        List<Step> steps = new ArrayList<>();
        while (in.hasMore()) {
            int kind = in.u8() & 0x07;
            switch (kind) {
                case 0, 1 -> steps.add(new Send(kind, in.bytes(in.u16())));
                case 2, 3 -> {
                    byte[] header = in.bytes(4);
                    int length = in.u16();
                    byte[] payload = WireArbitraries.randomFill(length, in.u8());
                    steps.add(new Send(kind - 2, Seeds.concat(header, payload)));
                }
                case 4 -> steps.add(new Accept());
                case 5 -> steps.add(new Read(in.u8(), in.u8() + 1));
                case 6 -> steps.add(new Write(in.u8(), in.u16()));
                default -> steps.add(new Close(in.u8()));
            }
        }
        return steps;
    }

    /** Writes a script as bytes that {@link #parse} reads back (sends of at most 65535 bytes). */
    static byte[] encode(List<Step> steps) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Step step : steps) {
            if (step instanceof Send send) {
                if (send.bytes().length > 0xFFFF) {
                    throw new IllegalArgumentException("a send in a script holds at most 65535 bytes");
                }
                out.write(send.peer());
                u16(out, send.bytes().length);
                out.writeBytes(send.bytes());
            } else if (step instanceof Accept) {
                out.write(4);
            } else if (step instanceof Read read) {
                out.write(5);
                out.write(read.connection());
                out.write(read.max() - 1);
            } else if (step instanceof Write write) {
                out.write(6);
                out.write(write.connection());
                u16(out, write.length());
            } else if (step instanceof Close close) {
                out.write(7);
                out.write(close.connection());
            }
        }
        return out.toByteArray();
    }

    /**
     * The seed scripts, by name: every seed message sent by mallory (whose connections carry the
     * seeds' ids) and by eve (who has none), the sample conversations as one script each, and a
     * few that use the application steps.
     */
    static Map<String, byte[]> seeds() {
        Map<String, byte[]> messages = Seeds.messages();
        Map<String, byte[]> scripts = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> seed : messages.entrySet()) {
            scripts.put("mallory-" + seed.getKey(), encode(List.of(new Send(0, seed.getValue()))));
        }
        for (String name : List.of("sample-b-close", "sample-c-data-get", "ext-client-credit", "seed-c-ack", "chaff-1")) {
            scripts.put("eve-" + name, encode(List.of(new Send(1, messages.get(name)))));
        }
        scripts.put("conversation-a", encode(sends(messages, "sample-a-syn", "sample-a-refused", "sample-a-refused-original-7-bytes")));
        scripts.put("conversation-b", encode(sends(messages, "sample-a-syn", "sample-b-ack", "sample-b-data-hello", "sample-b-close")));
        scripts.put("conversation-c", encode(sends(messages, "sample-a-syn", "sample-b-ack", "sample-c-data-get",
                "sample-c-data-hello", "sample-c-data-world", "sample-c-close")));
        scripts.put("conversation-c-seed-typo", encode(sends(messages, "seed-c-syn-key", "seed-c-ack", "seed-c-client-data",
                "seed-c-server-data", "seed-c-server-data", "seed-c-typo-close-as-ack")));
        List<Step> credit = new ArrayList<>(sends(messages, "ext-client-credit", "ext-server-credit", "ext-client-credit-max",
                "ext-server-credit-min-int", "ext-server-credit-on-plain"));
        // A grant beyond the first window is the window growing; one that takes the credit past 2^31-1 breaks the rule.
        credit.add(new Send(0, Seeds.hex("53 11 11 11 7F FF FF FF")));
        credit.add(new Write(1, 100));
        credit.add(new Write(3, 100));
        scripts.put("credit-write-and-grant", encode(credit));
        List<Step> syns = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            syns.add(new Send(i % 2, Seeds.concat(Seeds.hex("A1 00 00 0" + (i + 1)), Seeds.ascii("mem:x"))));
            syns.add(new Accept());
        }
        syns.add(new Send(0, Seeds.hex("A0 00 00 01 01 02 03")));
        syns.add(new Read(4, 2));
        syns.add(new Close(5));
        syns.add(new Send(1, Seeds.hex("A2 00 00 02")));
        scripts.put("syn-accept-read-close", encode(syns));
        // Large payloads as large frames, so that the scripts stay short for the fuzzer:
        // 4000 + 200 bytes overrun a 4096-byte buffer, 4097 bytes exceed mallory's credit,
        // and 32769 data bytes make a message larger than the largest accepted.
        scripts.put("overrun", Seeds.hex("02 A0 98 76 54 0F A0 01 02 A0 98 76 54 00 C8 02 02 50 11 11 11 10 01 03"));
        scripts.put("oversize", Seeds.hex("02 50 12 34 56 80 01 04"));
        scripts.put("large-frames", Seeds.hex("02 A0 FF FF FF 9C 40 07 03 50 11 11 11 80 00 01"));
        scripts.put("app-steps-only", Seeds.hex("04 05 00 10 06 01 00 40 07 02 05 03 FF"));
        return scripts;
    }

    private static List<Step> sends(Map<String, byte[]> messages, String... names) {
        List<Step> steps = new ArrayList<>();
        for (String name : names) {
            steps.add(new Send(0, messages.get(name)));
        }
        return steps;
    }

    private static void u16(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value);
    }

    /** Reads a script's bytes; past the end every byte is 0. */
    private static final class Reader {
        private final byte[] bytes;
        private int at;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        boolean hasMore() {
            return at < bytes.length;
        }

        int u8() {
            return at < bytes.length ? bytes[at++] & 0xFF : 0;
        }

        int u16() {
            return u8() << 8 | u8();
        }

        byte[] bytes(int wanted) {
            int length = Math.min(wanted, bytes.length - Math.min(at, bytes.length));
            byte[] taken = new byte[length];
            System.arraycopy(bytes, at, taken, 0, length);
            at += length;
            return taken;
        }
    }
}
