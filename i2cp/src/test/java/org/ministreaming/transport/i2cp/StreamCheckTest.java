package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The check of a received plain stream tells whole messages missing from everything else. */
class StreamCheckTest {

    private static final int MESSAGE = 64;
    private static final byte[] SENT = new byte[8 * MESSAGE];

    static {
        new SplittableRandom(7).nextBytes(SENT);
    }

    /** The messages with these indexes, in this order, fed in pieces of random sizes (1 byte included). */
    private static StreamCheck received(int... messages) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int index : messages) {
            stream.write(SENT, index * MESSAGE, MESSAGE);
        }
        return feed(stream.toByteArray());
    }

    private static StreamCheck feed(byte[] bytes) {
        StreamCheck check = new StreamCheck(SENT, MESSAGE);
        SplittableRandom pieces = new SplittableRandom(bytes.length);
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, 1 + pieces.nextInt(2 * MESSAGE));
            check.update(bytes, at, n);
            at += n;
        }
        check.finish();
        return check;
    }

    @Test
    void everyMessageInOrderIsIntact() {
        StreamCheck check = received(0, 1, 2, 3, 4, 5, 6, 7);

        assertThat(check.intact()).isTrue();
        assertThat(check.describe()).isEqualTo(SENT.length + " of " + SENT.length + " bytes, intact");
    }

    @Test
    void wholeMessagesMissingAreNamed() {
        StreamCheck check = received(0, 1, 2, 4, 6, 7);

        assertThat(check.intact()).isFalse();
        assertThat(check.onlyWholeMessagesMissing()).isTrue();
        assertThat(check.missing()).containsExactly(3, 5);
    }

    @Test
    void theLastMessagesMissingAreNamed() {
        StreamCheck check = received(0, 1, 2, 3, 4, 5);

        assertThat(check.onlyWholeMessagesMissing()).isTrue();
        assertThat(check.missing()).containsExactly(6, 7);
    }

    @Test
    void aMessageThatComesTwiceBreaksTheStream() {
        StreamCheck check = received(0, 1, 2, 2, 3, 4, 5, 6, 7);

        assertThat(check.onlyWholeMessagesMissing()).isFalse();
        assertThat(check.describe()).contains("message 2 came again");
    }

    @Test
    void messagesOutOfOrderBreakTheStream() {
        StreamCheck check = received(0, 2, 1, 3, 4, 5, 6, 7);

        assertThat(check.onlyWholeMessagesMissing()).isFalse();
        assertThat(check.describe()).contains("where message 3 was due, message 1 came again");
    }

    @Test
    void aChangedByteBreaksTheStream() {
        byte[] changed = SENT.clone();
        changed[3 * MESSAGE + 10] ^= 1;

        StreamCheck check = feed(changed);

        assertThat(check.onlyWholeMessagesMissing()).isFalse();
        assertThat(check.describe()).contains("byte 10 of message 3 differs");
    }

    @Test
    void aMessageCutShortBreaksTheStream() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.write(SENT, 0, 2 * MESSAGE + 20);
        stream.write(SENT, 3 * MESSAGE, 5 * MESSAGE);

        StreamCheck check = feed(stream.toByteArray());

        assertThat(check.onlyWholeMessagesMissing()).isFalse();
        assertThat(check.describe()).contains("of message 2 differs");
    }

    @Test
    void bytesNeverSentBreakTheStream() {
        byte[] other = new byte[MESSAGE];
        new SplittableRandom(99).nextBytes(other);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.write(SENT, 0, MESSAGE);
        stream.write(other, 0, MESSAGE);

        StreamCheck check = feed(stream.toByteArray());

        assertThat(check.onlyWholeMessagesMissing()).isFalse();
        assertThat(check.describe()).contains("came bytes that start no message sent");
    }
}
