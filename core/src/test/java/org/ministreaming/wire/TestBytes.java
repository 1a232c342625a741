package org.ministreaming.wire;

import java.util.HexFormat;

/** Helpers for writing wire bytes in tests the way the seed writes them. */
final class TestBytes {

    private TestBytes() {
    }

    /**
     * Bytes from hex written with any whitespace between the bytes, for example
     * {@code "51 23 45 67"}; the empty string gives no bytes.
     */
    static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replaceAll("\\s+", ""));
    }

    /** A connection id from hex such as {@code "12 34 56"}. */
    static ConnectionId id(String spaced) {
        return new ConnectionId(ConnectionId.readRaw(hex(spaced), 0));
    }

    /** {@code n} bytes counting up from 0 (wrapping at 256). */
    static byte[] counting(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }
}
