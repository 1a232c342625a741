package org.ministreaming.transport.reliable;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A selective acknowledgement: which messages after the cumulative acknowledgement arrived. Bit
 * i of word j (value {@code 1L << i}) stands for message {@code ack + 1 + 64 j + i}. Word 0 is the
 * frame's 8-byte SACK field; further words travel only in a wide SACK ({@link Frame#WIDE_SACK}),
 * to a peer that reads them ({@link Frame#READS_WIDE}). See protocol.md, "Reliable delivery
 * layer", "Wide SACK".
 *
 * <p>Immutable and thread-safe. Trailing words of zeros are not kept, so two equal
 * acknowledgements are equal objects.
 */
final class Sack {

    /** The most words a wide SACK carries: its count is one unsigned byte, after word 0. */
    static final int MAX_WORDS = 1 + 255;
    /** Nothing held after the gap. */
    static final Sack NONE = new Sack(new long[] {0});

    private final long[] words;

    private Sack(long[] words) {
        this.words = words;
    }

    /** The acknowledgement of the 64 messages after the cumulative one; {@code bits} as the 8-byte field carries them. */
    static Sack of(long bits) {
        return bits == 0 ? NONE : new Sack(new long[] {bits});
    }

    /**
     * The acknowledgement whose bit i of word j stands for message {@code ack + 1 + 64 j + i}. The
     * array is kept when it ends in a word that is not 0: the caller must not change it after.
     *
     * @throws IllegalArgumentException if there are no words, or more than {@link #MAX_WORDS} after trailing zeros
     */
    static Sack ofWords(long... words) {
        int length = words.length;
        while (length > 1 && words[length - 1] == 0) {
            length--;
        }
        if (length == 0 || length > MAX_WORDS) {
            throw new IllegalArgumentException("a SACK of 1 to " + MAX_WORDS + " words, not " + length);
        }
        return length == 1 ? of(words[0]) : new Sack(length == words.length ? words : Arrays.copyOf(words, length));
    }

    /** Word 0: the messages 1 to 64 after the cumulative acknowledgement, as the frame's SACK field. */
    long first() {
        return words[0];
    }

    /** Word {@code j}, 0 past the last. */
    long word(int j) {
        return j < words.length ? words[j] : 0;
    }

    /** Words in all, at least 1; more than 1 only for a wide SACK. */
    int words() {
        return words.length;
    }

    /** Whether it reaches past the 64 messages of the frame's SACK field. */
    boolean wide() {
        return words.length > 1;
    }

    /** Whether message {@code ack + 1 + offset} arrived. */
    boolean has(int offset) {
        return offset >= 0 && offset / 64 < words.length && (words[offset / 64] & (1L << (offset % 64))) != 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Sack sack && Arrays.equals(words, sack.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    /** Upper-case hex of the words, word 0 first, for logs. */
    @Override
    public String toString() {
        HexFormat hex = HexFormat.of().withUpperCase();
        StringBuilder out = new StringBuilder(hex.toHexDigits(words[0]));
        for (int j = 1; j < words.length; j++) {
            out.append(' ').append(hex.toHexDigits(words[j]));
        }
        return out.toString();
    }
}
