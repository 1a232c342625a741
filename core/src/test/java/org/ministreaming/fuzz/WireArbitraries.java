package org.ministreaming.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.ministreaming.wire.CreditExtension;
import org.ministreaming.wire.MessageType;

/**
 * jqwik generators of transport messages for fuzzing: fully random bytes, structure-aware
 * messages (a header with the ids in use and any of the 256 type bytes, payloads of the lengths
 * and forms that matter) and mutations of the {@link Seeds}.
 */
public final class WireArbitraries {

    /**
     * Ids worth hitting: the ones {@code engine.DispatcherHarness} has live connections on, the
     * first ones its engine draws afterwards, the reserved 0 and the largest.
     */
    public static final List<Integer> IDS = List.of(0x123456, 0x987654, 0x111111, 0xFFFFFF, 0x0A0A0A, 1, 2, 3, 7, 0);

    /** Payload lengths at the edges of some rule: ACK (3, 12), credit (4), ping (8), trailer (9), trace cut (16), data (32768). */
    private static final List<Integer> LENGTHS = List.of(0, 1, 2, 3, 4, 5, 7, 8, 9, 11, 12, 13, 16, 17, 32768, 32769);

    private static final List<Integer> INCREMENTS = List.of(0, 1, 2, 63, 64, 65, 4096, Integer.MAX_VALUE, -1, Integer.MIN_VALUE);

    private WireArbitraries() {
    }

    /** Any transport message: mostly structured, some fully random, some mutated seeds. */
    public static Arbitrary<byte[]> messages() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, randomBytes()),
                Tuple.of(6, structured()),
                Tuple.of(3, seedMutations()));
    }

    /** Fully random bytes: mostly short, sometimes up to 40000 bytes. */
    public static Arbitrary<byte[]> randomBytes() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.bytes().array(byte[].class).ofMaxSize(16)),
                Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
                Tuple.of(1, filled(Arbitraries.integers().between(0, 40_000))));
    }

    /** {@code type | id | payload} with any type byte, an id in use or any id, and a payload of an interesting form. */
    public static Arbitrary<byte[]> structured() {
        return Combinators.combine(typeBytes(), ids(), payloads())
                .as((type, id, payload) -> {
                    byte[] message = new byte[4 + payload.length];
                    message[0] = (byte) type.intValue();
                    message[1] = (byte) (id >>> 16);
                    message[2] = (byte) (id >>> 8);
                    message[3] = (byte) id.intValue();
                    System.arraycopy(payload, 0, message, 4, payload.length);
                    return message;
                });
    }

    /** Mostly defined types, but every one of the 256 values can come. */
    public static Arbitrary<Integer> typeBytes() {
        Arbitrary<Integer> defined = Arbitraries.of(MessageType.values()).map(MessageType::code);
        Arbitrary<Integer> inRanges = Arbitraries.oneOf(Arbitraries.integers().between(0xA0, 0xAF), Arbitraries.integers().between(0x50, 0x5F));
        return Arbitraries.frequencyOf(
                Tuple.of(6, defined),
                Tuple.of(2, inRanges),
                Tuple.of(2, Arbitraries.integers().between(0, 255)));
    }

    /** An id from {@link #IDS} or any 24-bit value. */
    public static Arbitrary<Integer> ids() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(IDS)),
                Tuple.of(1, Arbitraries.integers().between(0, 0xFFFFFF)));
    }

    /** Payloads of every form a type gives meaning to, valid and invalid. */
    public static Arbitrary<byte[]> payloads() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, filled(Arbitraries.oneOf(Arbitraries.of(LENGTHS), Arbitraries.integers().between(0, 64)))),
                Tuple.of(1, filled(Arbitraries.integers().between(0, 40_000))),
                Tuple.of(2, increments().map(WireArbitraries::intBytes)),
                Tuple.of(2, ackPayloads()),
                Tuple.of(1, synPayloads()),
                Tuple.of(1, Arbitraries.longs().map(token -> concat(intBytes((int) (token >>> 32)), intBytes(token.intValue())))));
    }

    /** Credit increments: 0, 1, the window's edges, the largest int, negative ones, any. */
    public static Arbitrary<Integer> increments() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(INCREMENTS)),
                Tuple.of(1, Arbitraries.integers()));
    }

    /** A 3-byte server id, alone, with a trailer (valid or broken) or with other bytes after it. */
    public static Arbitrary<byte[]> ackPayloads() {
        Arbitrary<byte[]> serverId = ids().map(WireArbitraries::idBytes);
        return Arbitraries.frequencyOf(
                Tuple.of(2, serverId),
                Tuple.of(3, Combinators.combine(serverId, trailers()).as(WireArbitraries::concat)),
                Tuple.of(1, Combinators.combine(serverId, Arbitraries.bytes().array(byte[].class).ofMaxSize(12)).as(WireArbitraries::concat)));
    }

    /** A destination with or without a credit trailer after it. */
    public static Arbitrary<byte[]> synPayloads() {
        Arbitrary<byte[]> destination = Arbitraries.of("", "mem:mallory", "mem:alice", "mem:eve-with-a-long-name-0123456789")
                .map(text -> text.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(destination, Combinators.combine(destination, trailers()).as(WireArbitraries::concat));
    }

    /** Credit trailers: valid ones and ones with a wrong magic, version or window. */
    public static Arbitrary<byte[]> trailers() {
        Arbitrary<byte[]> valid = Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.of(1, Seeds.MALLORY_WINDOW, 4096, Integer.MAX_VALUE)),
                        Tuple.of(1, Arbitraries.integers().between(1, Integer.MAX_VALUE)))
                .map(CreditExtension::trailer);
        Arbitrary<byte[]> broken = Combinators.combine(
                        Arbitraries.integers().between(0, CreditExtension.TRAILER_LENGTH - 1),
                        Arbitraries.bytes(),
                        increments())
                .as((at, value, window) -> {
                    byte[] trailer = CreditExtension.trailer(Seeds.MALLORY_WINDOW);
                    byte[] windowBytes = intBytes(window);
                    System.arraycopy(windowBytes, 0, trailer, 5, 4);
                    if (at < 5) {
                        trailer[at] = value;
                    }
                    return trailer;
                });
        return Arbitraries.oneOf(valid, broken);
    }

    /** A seed from {@link Seeds} with a few edits: bytes changed, inserted, removed, cut off or added. */
    public static Arbitrary<byte[]> seedMutations() {
        List<byte[]> seeds = new ArrayList<>(Seeds.messages().values());
        Arbitrary<int[]> edit = Combinators.combine(
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.integers().between(0, 1 << 16),
                        Arbitraries.integers().between(0, 255))
                .as((kind, at, value) -> new int[] {kind, at, value});
        return Combinators.combine(Arbitraries.of(seeds), edit.list().ofMaxSize(4))
                .as(WireArbitraries::mutate);
    }

    /** Applies edits {kind, position, value} to a copy of {@code seed}. */
    static byte[] mutate(byte[] seed, List<int[]> edits) {
        List<Byte> bytes = new ArrayList<>();
        for (byte b : seed) {
            bytes.add(b);
        }
        for (int[] edit : edits) {
            int at = bytes.isEmpty() ? 0 : edit[1] % bytes.size();
            byte value = (byte) edit[2];
            switch (edit[0]) {
                case 0 -> {
                    if (!bytes.isEmpty()) {
                        bytes.set(at, value);
                    }
                }
                case 1 -> bytes.add(bytes.isEmpty() ? 0 : edit[1] % (bytes.size() + 1), value);
                case 2 -> {
                    if (!bytes.isEmpty()) {
                        bytes.remove(at);
                    }
                }
                case 3 -> bytes.subList(at, bytes.size()).clear();
                case 4 -> {
                    for (int i = 0; i < edit[2] % 17; i++) {
                        bytes.add((byte) (value + i));
                    }
                }
                default -> {
                    if (!bytes.isEmpty()) {
                        bytes.set(0, value);
                    }
                }
            }
        }
        byte[] mutated = new byte[bytes.size()];
        for (int i = 0; i < mutated.length; i++) {
            mutated[i] = bytes.get(i);
        }
        return mutated;
    }

    /** Arrays of the given lengths filled from a random seed: cheap to make even at 40000 bytes. */
    public static Arbitrary<byte[]> filled(Arbitrary<Integer> lengths) {
        return Combinators.combine(lengths, Arbitraries.longs()).as(WireArbitraries::randomFill);
    }

    /** {@code length} bytes from {@code new Random(seed)}. */
    public static byte[] randomFill(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] intBytes(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    static byte[] idBytes(int id) {
        return new byte[] {(byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
    }

    static byte[] concat(byte[] first, byte[] second) {
        return Seeds.concat(first, second);
    }
}
