package org.ministreaming.transport.i2cp.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.i2p.I2PException;
import net.i2p.client.I2PClient;
import net.i2p.client.I2PClientFactory;
import net.i2p.client.I2PSession;
import net.i2p.client.I2PSessionException;
import net.i2p.client.I2PSessionMuxedListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The router fixture: sessions on it exchange messages, and it stops, dies and restarts. */
@ExtendWith(SharedRouter.class)
class I2pRouterTest {

    private static final long LIMIT_SECONDS = 60;

    @Test
    void twoSessionsExchangeAMessage(I2pRouter router) throws Exception {
        Listener aliceEvents = new Listener();
        Listener bobEvents = new Listener();
        I2PSession alice = connect(router, aliceEvents);
        try {
            I2PSession bob = connect(router, bobEvents);
            try {
                byte[] payload = "hello over I2CP".getBytes(UTF_8);
                // I2CP is best effort (a busy router drops what its client queue cannot take), so the
                // message goes again every 2 s until it arrives, within the limit.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
                while (!bobEvents.received.isDone() && System.nanoTime() < deadline) {
                    alice.sendMessage(bob.getMyDestination(), payload, 0, payload.length, null, null, 0, 0, 0);
                    try {
                        bobEvents.received.get(2, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException notYet) {
                        // send again
                    }
                }
                assertThat(bobEvents.received.getNow(null)).as("a message within %d s", LIMIT_SECONDS).isEqualTo(payload);
            } finally {
                bob.destroySession();
            }
        } finally {
            alice.destroySession();
        }
    }

    @Test
    void closeEndsTheProcessAndDeletesTheFiles() throws IOException {
        I2pRouter router = I2pRouter.start();
        Path baseDir = router.baseDir();
        assertThat(router.isAlive()).isTrue();

        router.close();

        assertThat(router.isAlive()).isFalse();
        assertThat(Files.exists(baseDir)).isFalse();
    }

    @Test
    void sessionsNoticeAKillAndConnectAfterARestart() throws Exception {
        I2pRouter router = I2pRouter.start();
        try {
            Listener events = new Listener();
            I2PSession session = connect(router, events);
            int port = router.i2cpPort();

            router.kill();

            assertThat(router.isAlive()).isFalse();
            assertThat(events.disconnected.await(LIMIT_SECONDS, TimeUnit.SECONDS))
                    .as("the session noticed the router's death").isTrue();
            session.destroySession();

            router = router.restart();

            assertThat(router.i2cpPort()).isEqualTo(port);
            I2PSession again = connect(router, new Listener());
            assertThat(again.isClosed()).isFalse();
            again.destroySession();
        } finally {
            router.close();
        }
    }

    private static I2PSession connect(I2pRouter router, Listener listener)
            throws I2PException, IOException {
        I2PClient client = I2PClientFactory.createClient();
        ByteArrayOutputStream keys = new ByteArrayOutputStream();
        client.createDestination(keys);
        I2PSession session = client.createSession(new ByteArrayInputStream(keys.toByteArray()),
                router.sessionOptions());
        session.addMuxedSessionListener(listener, I2PSession.PROTO_ANY, I2PSession.PORT_ANY);
        session.connect();
        return session;
    }

    /** What a session reports: the first message it receives, and its disconnection. */
    private static final class Listener implements I2PSessionMuxedListener {

        final CompletableFuture<byte[]> received = new CompletableFuture<>();
        final CountDownLatch disconnected = new CountDownLatch(1);

        @Override
        public void messageAvailable(I2PSession session, int msgId, long size) {
            messageAvailable(session, msgId, size, I2PSession.PROTO_ANY, I2PSession.PORT_ANY,
                    I2PSession.PORT_ANY);
        }

        @Override
        public void messageAvailable(I2PSession session, int msgId, long size, int proto,
                int fromPort, int toPort) {
            try {
                received.complete(session.receiveMessage(msgId));
            } catch (I2PSessionException e) {
                received.completeExceptionally(e);
            }
        }

        @Override
        public void reportAbuse(I2PSession session, int severity) {
        }

        @Override
        public void disconnected(I2PSession session) {
            disconnected.countDown();
        }

        @Override
        public void errorOccurred(I2PSession session, String message, Throwable error) {
        }
    }
}
