package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.RecordingReceiver.Event;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.attribution.SenderAttribution;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;

/**
 * Replies over I2CP go out on the transport's sender thread; plain messages are attributed above
 * the transport ({@link SenderAttribution}, as the engine and the reliable layer put it there),
 * and forgetting a peer drops the ids that name it.
 */
@ExtendWith(SharedRouter.class)
class ReplyAndForgetTest {

    private static final ConnectionId SERVER_ID = new ConnectionId(0x0A0B0C);

    @Test
    void aReplyFromInsideACallbackReturnsAtOnceAndArrives(I2pRouter router) throws Exception {
        Transport alice = SenderAttribution.over(Endpoints.on(router).buildPlain());
        I2cpTransport bobI2cp = Endpoints.on(router).buildPlain();
        Transport[] bob = {SenderAttribution.over(bobI2cp)};
        RecordingReceiver aliceHears = new RecordingReceiver();
        CompletableFuture<Boolean> replied = new CompletableFuture<>();
        try (alice; Transport closing = bob[0]) {
            alice.start(aliceHears);
            bob[0].start(new RecordingReceiver() {
                @Override
                public void onMessage(Destination from, ByteBuffer message) {
                    replied.complete(bob[0].reply(from, Message.ack(new ConnectionId(7), SERVER_ID).encoded()));
                }
            });

            Event ack = sendUntilAnswered(alice, bob[0].localDestination(), syn(alice, 7), aliceHears);

            assertThat(replied.get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ack.from()).as("attributed by the SYN's id").isEqualTo(bob[0].localDestination());
            assertThat(ack.bytes()).isEqualTo(Message.ack(new ConnectionId(7), SERVER_ID).toByteArray());
            assertThat(bobI2cp.droppedReplies()).isZero();
        }
    }

    @Test
    void afterForgettingAPeerItsOldIdsNameNobodyAndNewOnesWork(I2pRouter router) throws Exception {
        I2cpTransport aliceI2cp = Endpoints.on(router).buildPlain();
        Transport alice = SenderAttribution.over(aliceI2cp);
        Transport bob = SenderAttribution.over(Endpoints.on(router).buildPlain());
        RecordingReceiver aliceHears = new RecordingReceiver();
        RecordingReceiver bobHears = new RecordingReceiver();
        try (alice; bob) {
            alice.start(aliceHears);
            bob.start(bobHears);
            assertThat(sendUntilAnswered(alice, bob.localDestination(), syn(alice, 7), bobHears).from()).isEqualTo(alice.localDestination());
            bobHears.events.clear();

            alice.forget(bob.localDestination());
            ByteBuffer staleAck = Message.ack(new ConnectionId(7), SERVER_ID).encoded();
            long[] lastSent = {0};
            Await.until("alice drops an answer to a forgotten id", () -> {
                if (System.nanoTime() - lastSent[0] > TimeUnit.SECONDS.toNanos(2)) {
                    lastSent[0] = System.nanoTime();
                    sendQuietly(bob, alice.localDestination(), staleAck);
                }
                return aliceI2cp.unattributedMessages() >= 1;
            });
            aliceHears.assertQuiet();

            alice.send(bob.localDestination(), syn(alice, 8));
            assertThat(sendUntilAnswered(bob, alice.localDestination(), Message.ack(new ConnectionId(8), SERVER_ID).encoded(), aliceHears)
                    .from()).as("a peer that comes back is known again").isEqualTo(bob.localDestination());
        }
    }

    /**
     * Sends {@code message} every 2 s until {@code hears} hears something, as I2CP is best effort
     * and a first message between new destinations may be lost while their lease sets spread.
     */
    private static Event sendUntilAnswered(Transport from, Destination to, ByteBuffer message, RecordingReceiver hears)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() - deadline < 0) {
            from.send(to, message.duplicate());
            Event heard = hears.events.poll(2, TimeUnit.SECONDS);
            if (heard != null) {
                return heard;
            }
        }
        throw new AssertionError("nothing heard from " + to + " within 90 s");
    }

    private static void sendQuietly(Transport from, Destination to, ByteBuffer message) {
        try {
            from.send(to, message.duplicate());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static ByteBuffer syn(Transport sender, int id) {
        return Message.syn(new ConnectionId(id), sender.synPayload()).encoded();
    }
}
