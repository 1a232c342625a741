package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.i2p.crypto.SigType;
import net.i2p.data.DataFormatException;
import net.i2p.data.Destination;
import org.junit.jupiter.api.Test;

/**
 * The handshake between two {@link Handshake}s with keys made by I2P's library, messages handed
 * from one to the other directly: the exchange, each class of forgery, a restart, the version
 * before.
 */
class HandshakeTest {

    private static final I2pKeys ALICE = I2pKeys.generate();
    private static final I2pKeys BOB = I2pKeys.generate();
    private static final I2pKeys EVE = I2pKeys.generate();
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);
    private static final Duration SILENCE = Duration.ofSeconds(3);

    private long wall = 1_764_000_000_000L;
    private long nanos = 1_000_000_000L;
    private final Handshake alice = handshake(ALICE, false);
    private Handshake bob = handshake(BOB, false);

    private Handshake handshake(I2pKeys keys, boolean refuseUnproven) {
        return new Handshake(keys, refuseUnproven, () -> wall, () -> nanos, SILENCE);
    }

    private static byte[] frame(int length, int seed) {
        byte[] frame = new byte[length];
        new Random(seed).nextBytes(frame);
        frame[0] = 0x7E;
        return frame;
    }

    private static byte[] seal(Handshake from, I2pKeys to, byte[] frame) throws Exception {
        return from.seal(to.i2pDestination(), ByteBuffer.wrap(frame), NOTHING);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** Hands {@code sealed} to {@code to} and checks that it arrives from {@code from} carrying {@code frame}. */
    private static void arrives(Handshake to, byte[] sealed, I2pKeys from, byte[] frame) {
        Envelope.Opened opened = to.open(sealed, Envelope.PORT);
        assertThat(opened).as("accepted").isNotNull();
        assertThat(opened.sender()).isEqualTo(from.i2pDestination());
        assertThat(bytes(opened.message())).isEqualTo(frame);
    }

    /** Alice and Bob exchange hellos and then compact envelopes; returns Alice's last compact one to Bob. */
    private byte[] shakeHands() throws Exception {
        byte[] first = frame(40, 1);
        byte[] hello = seal(alice, BOB, first);
        assertThat(hello[0]).isEqualTo(Envelope.HELLO);
        arrives(bob, hello, ALICE, first);
        byte[] answer = frame(33, 2);
        byte[] bobsHello = seal(bob, ALICE, answer);
        assertThat(bobsHello[0]).as("Bob has Alice's id but must give his").isEqualTo(Envelope.HELLO);
        arrives(alice, bobsHello, BOB, answer);
        byte[] third = frame(26, 3);
        byte[] compact = seal(alice, BOB, third);
        assertThat(compact[0]).as("Bob's hello echoed Alice's id").isEqualTo(Envelope.COMPACT);
        arrives(bob, compact, ALICE, third);
        byte[] fourth = frame(26, 4);
        byte[] bobsCompact = seal(bob, ALICE, fourth);
        assertThat(bobsCompact[0]).isEqualTo(Envelope.COMPACT);
        arrives(alice, bobsCompact, BOB, fourth);
        return compact;
    }

    @Test
    void twoHellosThenCompactEnvelopesOfNineBytesBeforeTheFrame() throws Exception {
        byte[] compact = shakeHands();

        for (int length : new int[] {26, 1000, 32_798}) {
            byte[] frame = frame(length, length);
            byte[] sealed = seal(alice, BOB, frame);
            assertThat(sealed.length - frame.length).as("envelope overhead").isEqualTo(9).isLessThanOrEqualTo(16);
            arrives(bob, sealed, ALICE, frame);
        }
        assertThat(compact).hasSize(26 + 9);
        assertThat(alice.statistics()).containsEntry(EnvelopeCounter.HELLOS_SENT, 1L).containsEntry(EnvelopeCounter.COMPACT_SENT, 4L)
                .containsEntry(EnvelopeCounter.HELLOS_ACCEPTED, 1L).containsEntry(EnvelopeCounter.COMPACT_ACCEPTED, 1L);
        assertThat(bob.statistics()).containsEntry(EnvelopeCounter.COMPACT_ACCEPTED, 4L);
        assertThat(alice.isProven(BOB.i2pDestination())).isTrue();
        assertThat(bob.isProven(ALICE.i2pDestination())).isTrue();
    }

    @Test
    void aHelloSaysItsVersionAndCostsTheDestinationHeaderAndSignature() throws Exception {
        byte[] frame = frame(30, 5);
        byte[] hello = seal(alice, BOB, frame);

        assertThat(hello[1]).isEqualTo(Hello.VERSION);
        assertThat(hello.length - frame.length).isEqualTo(Hello.FIXED + ALICE.destinationBytes().length + 64);
        assertThat(Arrays.copyOfRange(hello, 34, 66)).isEqualTo(BOB.i2pDestination().calculateHash().getData());
    }

    @Test
    void classicAndEcdsaDestinationsShakeHandsToo() throws Exception {
        for (SigType type : new SigType[] {SigType.DSA_SHA1, SigType.ECDSA_SHA256_P256}) {
            I2pKeys carol = I2pKeys.generate(type);
            Handshake carolSide = handshake(carol, false);
            byte[] frame = frame(50, 6);
            arrives(bob, seal(carolSide, BOB, frame), carol, frame);
            arrives(carolSide, seal(bob, carol, frame), BOB, frame);
            assertThat(seal(carolSide, BOB, frame)[0]).as("%s", type).isEqualTo(Envelope.COMPACT);
        }
    }

    @Test
    void aNamedEnvelopeNamingAProvenPeerIsDroppedWhateverItsPort() throws Exception {
        shakeHands();
        byte[] forged = Envelope.seal(ALICE.destinationBytes(), ByteBuffer.wrap(frame(40, 7)), NOTHING);

        assertThat(bob.open(forged, 0)).isNull();
        assertThat(bob.open(forged, Envelope.PORT)).isNull();

        assertThat(bob.statistics()).containsEntry(EnvelopeCounter.NAMED_PROVEN_PEER, 2L).containsEntry(EnvelopeCounter.UNPROVEN_ACCEPTED, 0L);
        assertThat(seal(bob, ALICE, frame(26, 8))[0]).as("Bob goes on with Alice as before").isEqualTo(Envelope.COMPACT);
    }

    @Test
    void compactEnvelopesWithGuessedOrForgottenIdsAreDropped() throws Exception {
        byte[] alicesCompact = shakeHands();
        Random guesses = new Random(9);
        for (int i = 0; i < 1000; i++) {
            byte[] guessed = alicesCompact.clone();
            ByteBuffer.wrap(guessed).putLong(1, guesses.nextLong());
            assertThat(bob.open(guessed, Envelope.PORT)).isNull();
        }
        assertThat(bob.statistics()).containsEntry(EnvelopeCounter.UNKNOWN_SESSION, 1000L);

        bob.forget(ALICE.i2pDestination());
        assertThat(seal(bob, ALICE, frame(26, 10))[0]).as("Bob starts a new session with Alice").isEqualTo(Envelope.HELLO);

        assertThat(bob.open(alicesCompact, Envelope.PORT)).as("the id of a session replaced").isNull();
        assertThat(bob.statistics()).containsEntry(EnvelopeCounter.UNKNOWN_SESSION, 1001L);
        assertThat(bob.isProven(ALICE.i2pDestination())).as("forgetting a session keeps the proof").isTrue();
    }

    @Test
    void aPeerThatStillHasAForgottenSessionIsHeardAtOnceAndTheSessionGoesOn() throws Exception {
        byte[] alicesCompact = shakeHands();

        bob.forget(ALICE.i2pDestination());
        byte[] again = frame(26, 11);
        arrives(bob, seal(alice, BOB, again), ALICE, again);

        assertThat(bob.statistics()).containsEntry(EnvelopeCounter.UNKNOWN_SESSION, 0L);
        assertThat(seal(bob, ALICE, frame(26, 12))[0]).as("Bob answers in the session as it was").isEqualTo(Envelope.COMPACT);
        assertThat(alicesCompact[0]).isEqualTo(Envelope.COMPACT);
    }

    @Test
    void onlyTheLastForgottenSessionsTakeCompactEnvelopes() {
        SessionIds ids = new SessionIds(new Random(13)::nextLong, SILENCE.toNanos(), true);
        List<Destination> peers = new ArrayList<>();
        List<Long> idsGiven = new ArrayList<>();
        for (int i = 0; i <= SessionIds.FORGOTTEN_CAPACITY; i++) {
            Destination peer = fakeDestination(i);
            peers.add(peer);
            idsGiven.add(ids.sending(peer, nanos).ownId());
            ids.forget(peer);
        }

        assertThat(ids.compact(idsGiven.get(0))).as("the oldest, dropped").isNull();
        assertThat(ids.compact(idsGiven.get(1))).as("the next, kept").isEqualTo(peers.get(1));
        assertThat(ids.size()).as("the session with that peer is back").isEqualTo(1);
    }

    /** A destination of random keys (never used to sign or encrypt): cheap, unlike {@link I2pKeys#generate}. */
    private static Destination fakeDestination(int seed) {
        byte[] bytes = new byte[387];
        new Random(seed).nextBytes(bytes);
        bytes[384] = 0;
        bytes[385] = 0;
        bytes[386] = 0;
        try {
            return Destination.create(new ByteArrayInputStream(bytes));
        } catch (IOException | DataFormatException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aHelloWithAnyByteChangedFailsItsSignature() throws Exception {
        byte[] hello = seal(alice, BOB, frame(30, 10));
        int[] changed = {2, 10, 18, 26, 70, hello.length - 70, hello.length - 30, hello.length - 1};
        for (int at : changed) {
            byte[] forged = hello.clone();
            forged[at] ^= 0x01;
            assertThat(bob.open(forged, Envelope.PORT)).as("byte %d changed", at).isNull();
        }

        assertThat(bob.statistics().get(EnvelopeCounter.BAD_SIGNATURE)).isEqualTo(changed.length);
        assertThat(bob.sessions()).as("no session made for a forgery").isZero();
        assertThat(bob.isProven(ALICE.i2pDestination())).isFalse();
    }

    @Test
    void aHelloSignedByEveThatNamesAliceFails() throws Exception {
        shakeHands();
        byte[] forged = Hello.seal(wall, 1, 77, 0, BOB.i2pDestination().calculateHash(), ALICE.destinationBytes(), EVE.signingKey(),
                ByteBuffer.wrap(frame(40, 11)), NOTHING);

        assertThat(bob.open(forged, Envelope.PORT)).isNull();

        assertThat(bob.statistics()).containsEntry(EnvelopeCounter.BAD_SIGNATURE, 1L);
        assertThat(seal(bob, ALICE, frame(26, 12))[0]).as("Alice's id at Bob unchanged").isEqualTo(Envelope.COMPACT);
    }

    @Test
    void aReplayedHelloIsDroppedAndChangesNothing() throws Exception {
        byte[] hello = seal(alice, BOB, frame(40, 13));
        assertThat(bob.open(hello, Envelope.PORT)).isNotNull();
        arrives(alice, seal(bob, ALICE, frame(26, 14)), BOB, frame(26, 14));
        arrives(bob, seal(alice, BOB, frame(26, 15)), ALICE, frame(26, 15));

        wall += 60_000;
        assertThat(bob.open(hello, Envelope.PORT)).as("the same hello a minute later").isNull();

        assertThat(bob.statistics()).containsEntry(EnvelopeCounter.REPLAYED_HELLO, 1L).containsEntry(EnvelopeCounter.HELLOS_ACCEPTED, 1L);
        assertThat(seal(bob, ALICE, frame(26, 16))[0]).as("the replay's echo 0 did not unconfirm Alice").isEqualTo(Envelope.COMPACT);
    }

    @Test
    void aHelloForAnotherRecipientIsDropped() throws Exception {
        Handshake eve = handshake(EVE, false);
        byte[] toEve = seal(alice, EVE, frame(40, 17));
        assertThat(eve.open(toEve, Envelope.PORT)).isNotNull();

        assertThat(bob.open(toEve, Envelope.PORT)).as("Eve passes Alice's hello to her on to Bob").isNull();

        assertThat(bob.statistics()).containsEntry(EnvelopeCounter.WRONG_RECIPIENT, 1L);
        assertThat(bob.isProven(ALICE.i2pDestination())).isFalse();
    }

    @Test
    void aHelloOutsideTheFreshnessWindowIsDropped() throws Exception {
        byte[] old = seal(alice, BOB, frame(40, 18));
        wall += Handshake.WINDOW.toMillis() + 1;
        byte[] now = seal(alice, BOB, frame(40, 19));
        wall += Handshake.WINDOW.toMillis() + 1;
        byte[] future = seal(alice, BOB, frame(40, 20));
        wall -= Handshake.WINDOW.toMillis() + 1;

        assertThat(bob.open(old, Envelope.PORT)).isNull();
        assertThat(bob.open(future, Envelope.PORT)).isNull();
        assertThat(bob.open(now, Envelope.PORT)).isNotNull();

        assertThat(bob.statistics()).containsEntry(EnvelopeCounter.STALE_HELLO, 2L).containsEntry(EnvelopeCounter.HELLOS_ACCEPTED, 1L);
    }

    @Test
    void everyTruncationAndGarbageIsDroppedWithoutStateOrException() throws Exception {
        byte[] hello = seal(alice, BOB, frame(40, 21));
        byte[] named = Envelope.seal(ALICE.destinationBytes(), ByteBuffer.wrap(frame(40, 22)), NOTHING);
        for (int length = 0; length < hello.length; length++) {
            assertThat(bob.open(Arrays.copyOf(hello, length), Envelope.PORT)).as("hello cut to %d", length).isNull();
        }
        for (int length = 0; length < 1 + ALICE.destinationBytes().length; length++) {
            assertThat(bob.open(Arrays.copyOf(named, length), 0)).as("named cut to %d", length).isNull();
        }
        Random random = new Random(23);
        for (int i = 0; i < 2000; i++) {
            byte[] garbage = new byte[random.nextInt(600)];
            random.nextBytes(garbage);
            if (garbage.length > 0 && garbage[0] == Envelope.FULL_DESTINATION) {
                garbage[0] = 0x04;
            }
            assertThat(bob.open(garbage, Envelope.PORT)).isNull();
        }
        assertThat(bob.open(new byte[] {Envelope.COMPACT, 0, 0, 0, 0, 0, 0, 0, 0}, Envelope.PORT)).as("compact without a frame").isNull();

        assertThat(bob.sessions()).isZero();
        assertThat(bob.statistics()).containsEntry(EnvelopeCounter.HELLOS_ACCEPTED, 0L).containsEntry(EnvelopeCounter.UNPROVEN_ACCEPTED, 0L);
        assertThat(bob.open(hello, Envelope.PORT)).as("the whole hello still opens").isNotNull();
    }

    @Test
    void aPeerThatRestartedAndForgotTheIdGetsHellosAgainAfterSilence() throws Exception {
        shakeHands();
        bob = handshake(BOB, false);

        for (int i = 0; i < SessionIds.STALL_SENDS; i++) {
            byte[] lost = seal(alice, BOB, frame(26, 30 + i));
            assertThat(lost[0]).isEqualTo(Envelope.COMPACT);
            assertThat(bob.open(lost, Envelope.PORT)).isNull();
            nanos += SILENCE.toNanos() / 2;
        }
        byte[] again = frame(40, 40);
        byte[] hello = seal(alice, BOB, again);
        assertThat(hello[0]).as("silent for longer than the silence time").isEqualTo(Envelope.HELLO);
        arrives(bob, hello, ALICE, again);
        byte[] answer = seal(bob, ALICE, frame(26, 41));
        assertThat(answer[0]).as("the new Bob gives his new id").isEqualTo(Envelope.HELLO);
        arrives(alice, answer, BOB, frame(26, 41));
        byte[] next = seal(alice, BOB, frame(26, 42));
        assertThat(next[0]).isEqualTo(Envelope.COMPACT);
        arrives(bob, next, ALICE, frame(26, 42));

        assertThat(bob.statistics()).containsEntry(EnvelopeCounter.UNKNOWN_SESSION, (long) SessionIds.STALL_SENDS);
    }

    @Test
    void aPeerThatAnswersInTimeKeepsGettingCompactEnvelopes() throws Exception {
        shakeHands();
        for (int i = 0; i < 20; i++) {
            nanos += SILENCE.toNanos();
            byte[] sealed = seal(alice, BOB, frame(26, 50 + i));
            assertThat(sealed[0]).isEqualTo(Envelope.COMPACT);
            arrives(bob, sealed, ALICE, frame(26, 50 + i));
            arrives(alice, seal(bob, ALICE, frame(26, 80 + i)), BOB, frame(26, 80 + i));
        }
    }

    @Test
    void aPeerOfTheVersionBeforeIsAcceptedUnprovenAndAnsweredNamed() throws Exception {
        byte[] frame = frame(40, 60);
        byte[] named = Envelope.seal(ALICE.destinationBytes(), ByteBuffer.wrap(frame), NOTHING);

        arrives(bob, named, ALICE, frame);
        Envelope.Opened unmarked = bob.open(Envelope.seal(ALICE.destinationBytes(), ByteBuffer.wrap(frame), NOTHING), 0);

        assertThat(unmarked).isNotNull();
        assertThat(seal(bob, ALICE, frame(26, 61))[0]).as("port 0: the version before").isEqualTo(Envelope.FULL_DESTINATION);
        assertThat(bob.statistics()).containsEntry(EnvelopeCounter.UNPROVEN_ACCEPTED, 2L).containsEntry(EnvelopeCounter.NAMED_SENT, 1L);
        arrives(bob, seal(alice, BOB, frame(30, 62)), ALICE, frame(30, 62));
        assertThat(seal(bob, ALICE, frame(26, 63))[0]).as("a hello proves Alice speaks this version").isEqualTo(Envelope.HELLO);
    }

    @Test
    void aNamedEnvelopeWithThisVersionsPortLeavesTheSenderOnHellos() throws Exception {
        byte[] frame = frame(40, 64);
        arrives(bob, Envelope.seal(ALICE.destinationBytes(), ByteBuffer.wrap(frame), NOTHING), ALICE, frame);

        assertThat(seal(bob, ALICE, frame(26, 65))[0]).isEqualTo(Envelope.HELLO);
    }

    @Test
    void refusingUnprovenPeersDropsNamedEnvelopesAndNeverSendsThem() throws Exception {
        Handshake strict = handshake(BOB, true);
        byte[] named = Envelope.seal(ALICE.destinationBytes(), ByteBuffer.wrap(frame(40, 66)), NOTHING);

        assertThat(strict.open(named, 0)).isNull();
        for (int i = 0; i < 10; i++) {
            nanos += SILENCE.toNanos();
            assertThat(seal(strict, ALICE, frame(26, 67))[0]).isEqualTo(Envelope.HELLO);
        }

        assertThat(strict.statistics()).containsEntry(EnvelopeCounter.UNPROVEN_REFUSED, 1L).containsEntry(EnvelopeCounter.NAMED_SENT, 0L);
        arrives(strict, seal(alice, BOB, frame(30, 68)), ALICE, frame(30, 68));
    }

    @Test
    void aSilentPeerNeverHeardFromGetsEveryOtherMessageNamedInCaseItIsOfTheVersionBefore() throws Exception {
        byte[][] sealed = new byte[8][];
        byte[] kinds = new byte[sealed.length];
        for (int i = 0; i < sealed.length; i++) {
            sealed[i] = seal(bob, ALICE, frame(26, 70 + i));
            kinds[i] = sealed[i][0];
            nanos += SILENCE.toNanos() / 2;
        }

        assertThat(kinds).as("silent after three sends and the silence time").containsExactly(2, 2, 2, 1, 2, 1, 2, 1);
        arrives(alice, sealed[7], BOB, frame(26, 77));
        assertThat(seal(alice, BOB, frame(26, 80))[0]).as("Bob's port says he speaks this version").isEqualTo(Envelope.HELLO);
    }
}
