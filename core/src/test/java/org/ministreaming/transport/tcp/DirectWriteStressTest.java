package org.ministreaming.transport.tcp;


import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.RepeatedTest;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/**
 * A plain link written both by senders' own threads (when nobody else writes and the socket has
 * room, queued messages or, by {@link TcpTransport#sendNow}, messages past the queue) and by the
 * loop (replies its receiver provokes, and whatever a full socket left): with senders of messages
 * large and small on several threads and the loop answering every echo on the same link, each
 * sender's messages and the loop's answers arrive whole, once and in order.
 */
class DirectWriteStressTest extends TcpFixture {

    private static final int SENDERS = 4;
    private static final int EACH = 300;

    @RepeatedTest(3)
    void sendersThreadsAndTheLoopWriteOneLinkWithoutLosingOrMixingAnything() throws Exception {
        sendAndCheck(false);
    }

    @RepeatedTest(3)
    void messagesSentPastTheQueueKeepTheirOrderAmongQueuedOnesAndTheLoopsAnswers() throws Exception {
        sendAndCheck(true);
    }

    private void sendAndCheck(boolean now) throws Exception {
        // Every sender's message, then one loop answer per echo.
        LabelledMessages heard = new LabelledMessages(2 * SENDERS * EACH);
        TcpTransport[] server = new TcpTransport[1];
        server[0] = started(TcpTransport.plain().listen(LOOPBACK).sendQueueBytes(128 * 1024), new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                String[] label = heard.arrived(message);
                if (!label[0].startsWith("loop")) {
                    server[0].reply(from, LabelledMessages.message("echo" + label[0], Integer.parseInt(label[1]), 64));
                }
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        TcpTransport[] client = new TcpTransport[1];
        client[0] = started(TcpTransport.plain().sendQueueBytes(128 * 1024), new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                String[] label = LabelledMessages.label(message);
                // Written by the loop, on the link the senders' threads write too.
                client[0].reply(from, LabelledMessages.message("loop" + label[0].substring(4), Integer.parseInt(label[1]), 64));
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        int takenNow = LabelledMessages.sendFromThreads(client[0], server[0].localDestination(), SENDERS, EACH, 0, now);

        heard.assertAllArrivedWhole(WAIT_SECONDS);
        if (now) {
            assertThat(takenNow).as("messages sent past the queue").isPositive();
        } else {
            assertThat(takenNow).as("messages sent past the queue").isZero();
        }
        for (int s = 0; s < SENDERS; s++) {
            heard.assertOnceInOrder("s" + s, EACH);
            heard.assertOnceInOrder("loops" + s, EACH);
        }
    }
}
