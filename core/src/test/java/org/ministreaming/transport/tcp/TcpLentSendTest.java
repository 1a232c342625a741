package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.RecordingReceiver;

/**
 * {@link TcpTransport#sendLent}: the transport gives each lent message back once, after its
 * link's writer has copied it, so that the sender may write over it then and the peer still
 * receives what was sent.
 */
class TcpLentSendTest extends TcpFixture {

    @Test
    void eachLentMessageComesBackOnceCopiedAndArrivesAsSentThoughItIsWrittenOverThen() throws Exception {
        RecordingReceiver atServer = new RecordingReceiver();
        TcpTransport server = listening(atServer);
        TcpTransport client = client(new RecordingReceiver());
        Random random = new Random(1);
        List<byte[]> sent = new ArrayList<>();
        AtomicInteger givenBack = new AtomicInteger();
        for (int i = 0; i < 300; i++) {
            byte[] message = new byte[1 + random.nextInt(40_000)];
            random.nextBytes(message);
            sent.add(message.clone());
            AtomicInteger runs = new AtomicInteger();
            client.sendLent(server.localDestination(), ByteBuffer.wrap(message).asReadOnlyBuffer(), () -> {
                assertThat(runs.incrementAndGet()).as("given back once").isEqualTo(1);
                Arrays.fill(message, (byte) 0xEE); // the sender writes over it, as it may now
                givenBack.incrementAndGet();
            });
        }
        for (int i = 0; i < sent.size(); i++) {
            assertThat(Arrays.equals(atServer.next().bytes(), sent.get(i))).as("message %d as sent", i).isTrue();
        }
        Await.until("every loan given back", () -> givenBack.get() == sent.size());
    }
}
