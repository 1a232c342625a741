package org.ministreaming.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ministreaming.wire.CreditExtension;

/**
 * The seed corpus of single messages, by name: the 2004 text's sample conversations byte for
 * byte (including its typo {@code 51 11 11 11}), this implementation's extension messages, chaff
 * of lengths 1 to 5, and edge cases. Both the Jazzer inputs directories and the jqwik generators
 * start from these.
 *
 * <p>The ids are the ones {@code engine.DispatcherHarness} sets up as live connections, so a
 * seed sent to its engine reaches a real connection: client ids {@code 12 34 56} and
 * {@code 11 11 11}, server ids {@code 98 76 54} and {@code FF FF FF}.
 */
public final class Seeds {

    /** The window mallory offers in its credit trailers; small, so a fuzzer can exceed it. */
    public static final int MALLORY_WINDOW = 64;

    private static final HexFormat HEX = HexFormat.of();

    private Seeds() {
    }

    /** Every seed message, in a fixed order. */
    public static Map<String, byte[]> messages() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        // docs/protocol.md section 6: Alice (client id 12 34 56) and Bob (server id 98 76 54).
        seeds.put("sample-a-syn", hex("A1 12 34 56 6D 65 6D 3A 61 6C 69 63 65"));
        seeds.put("sample-a-refused", hex("52 12 34 56"));
        seeds.put("sample-a-refused-original-7-bytes", hex("52 12 34 56 3B 0E C4"));
        seeds.put("sample-b-ack", hex("51 12 34 56 98 76 54"));
        seeds.put("sample-b-data-hello", hex("50 12 34 56 68 65 6C 6C 6F"));
        seeds.put("sample-b-close", hex("A2 98 76 54"));
        seeds.put("sample-c-data-get", hex("A0 98 76 54 47 45 54 20 2F 0D 0A"));
        seeds.put("sample-c-data-hello", hex("50 12 34 56 48 65 6C 6C 6F 2C 20"));
        seeds.put("sample-c-data-world", hex("50 12 34 56 77 6F 72 6C 64 21 0A"));
        seeds.put("sample-c-close", hex("52 12 34 56"));
        // The 2004 text itself (/work/shared/seed/protocol.txt), where it differs.
        seeds.put("seed-a-syn-key", concat(hex("A1 12 34 56"), ascii("key...")));
        seeds.put("seed-b-syn-key", concat(hex("A1 23 45 67"), ascii("key...")));
        seeds.put("seed-b-ack", hex("51 23 45 67 98 76 54"));
        seeds.put("seed-b-data", concat(hex("50 23 45 67"), ascii("data")));
        seeds.put("seed-c-syn-key", concat(hex("A1 11 11 11"), ascii("key...")));
        seeds.put("seed-c-ack", hex("51 11 11 11 FF FF FF"));
        seeds.put("seed-c-client-data", concat(hex("A0 FF FF FF"), ascii("data")));
        seeds.put("seed-c-server-data", concat(hex("50 11 11 11"), ascii("data")));
        seeds.put("seed-c-typo-close-as-ack", hex("51 11 11 11"));
        // The credit extension: trailers in SYN and ACK, credit, ping and pong.
        seeds.put("ext-syn-with-trailer", concat(hex("A1 11 11 11"), ascii("mem:mallory"), CreditExtension.trailer(MALLORY_WINDOW)));
        seeds.put("ext-syn-trailer-only", concat(hex("A1 00 00 05"), CreditExtension.trailer(1)));
        seeds.put("ext-ack-with-trailer", concat(hex("51 11 11 11 FF FF FF"), CreditExtension.trailer(MALLORY_WINDOW)));
        seeds.put("ext-ack-trailer-max-window", concat(hex("51 12 34 56 98 76 54"), CreditExtension.trailer(Integer.MAX_VALUE)));
        seeds.put("ext-ack-trailer-bad-version", hex("51 11 11 11 FF FF FF 4D 53 46 43 02 00 00 00 40"));
        seeds.put("ext-ack-trailer-zero-window", hex("51 11 11 11 FF FF FF 4D 53 46 43 01 00 00 00 00"));
        seeds.put("ext-ack-trailer-negative-window", hex("51 11 11 11 FF FF FF 4D 53 46 43 01 80 00 00 00"));
        seeds.put("ext-client-credit", hex("A3 FF FF FF 00 00 00 10"));
        seeds.put("ext-client-credit-max", hex("A3 FF FF FF 7F FF FF FF"));
        seeds.put("ext-client-credit-zero", hex("A3 FF FF FF 00 00 00 00"));
        seeds.put("ext-client-credit-negative", hex("A3 FF FF FF FF FF FF FF"));
        seeds.put("ext-server-credit", hex("53 11 11 11 00 00 00 01"));
        seeds.put("ext-server-credit-min-int", hex("53 11 11 11 80 00 00 00"));
        seeds.put("ext-server-credit-on-plain", hex("53 12 34 56 00 00 00 01"));
        seeds.put("ext-credit-short", hex("A3 FF FF FF 00 01"));
        seeds.put("ext-ping", hex("A4 00 00 07 01 02 03 04 05 06 07 08"));
        seeds.put("ext-pong", hex("54 00 00 07 01 02 03 04 05 06 07 08"));
        seeds.put("ext-ping-short", hex("A4 00 00 07 01 02 03"));
        // Chaff of lengths 1 to 5; the 1-byte one was the original's ping().
        for (int length = 1; length <= 5; length++) {
            byte[] chaff = new byte[length];
            chaff[0] = (byte) 0xFF;
            for (int i = 1; i < length; i++) {
                chaff[i] = (byte) (0x11 * i);
            }
            seeds.put("chaff-" + length, chaff);
        }
        // Edge cases.
        seeds.put("edge-empty", new byte[0]);
        seeds.put("edge-1-byte", hex("A0"));
        seeds.put("edge-2-bytes", hex("A1 12"));
        seeds.put("edge-3-bytes", hex("51 12 34"));
        seeds.put("edge-zero-id-data", concat(hex("A0 00 00 00"), ascii("data")));
        seeds.put("edge-zero-id-syn", hex("A1 00 00 00"));
        seeds.put("edge-all-zero", hex("00 00 00 00"));
        seeds.put("edge-undefined-type-a5", hex("A5 98 76 54"));
        seeds.put("edge-undefined-type-5f", hex("5F 12 34 56 00"));
        seeds.put("edge-ack-zero-server-id", hex("51 12 34 56 00 00 00"));
        seeds.put("edge-ack-4-byte-payload", hex("51 12 34 56 98 76 54 00"));
        seeds.put("edge-close-with-payload", hex("A2 98 76 54 01 02 03"));
        seeds.put("edge-syn-empty-payload", hex("A1 00 00 09"));
        seeds.put("edge-data-empty", hex("A0 98 76 54"));
        return seeds;
    }

    /** The bytes of the US-ASCII text. */
    public static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes written as hex with spaces, as the trace notation writes them. */
    public static byte[] hex(String spaced) {
        return HEX.parseHex(spaced.replace(" ", ""));
    }

    /** The arrays one after another. */
    public static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /**
     * The seeds missing from a Jazzer inputs directory, or stored there with other bytes. Other
     * files in the directory (Jazzer's own findings, inputs added by hand) are left alone.
     *
     * @param directory for example {@code src/test/resources/org/ministreaming/fuzz/DecoderFuzzTestInputs/decode}
     * @param seeds the seeds, by file name
     * @param write whether to write the missing or different ones
     * @return the names of the seeds that were missing or different
     */
    public static List<String> sync(Path directory, Map<String, byte[]> seeds, boolean write) {
        List<String> stale = new ArrayList<>();
        try {
            for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
                Path file = directory.resolve(seed.getKey());
                if (!Files.isRegularFile(file) || !Arrays.equals(Files.readAllBytes(file), seed.getValue())) {
                    stale.add(seed.getKey());
                    if (write) {
                        Files.createDirectories(directory);
                        Files.write(file, seed.getValue());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stale;
    }

    /** The test resources directory of the module the tests run in. */
    public static Path testResources() {
        return Path.of(System.getProperty("basedir", "."), "src", "test", "resources");
    }
}
