package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.i2p.client.I2PSession;
import net.i2p.client.I2PSessionException;
import net.i2p.client.I2PSessionMuxedListener;
import net.i2p.client.SendMessageOptions;
import net.i2p.client.impl.I2PClientImpl;
import net.i2p.data.i2cp.MessageStatusMessage;
import org.ministreaming.transport.i2cp.testing.I2pRouter;

/**
 * A bare I2CP session that sends and receives raw messages, as the original implementation did:
 * it plays the original, or an attacker. Messages arrive in a queue.
 */
final class RawSession implements AutoCloseable {

    /** One message received. */
    record Received(byte[] bytes, int protocol) {
    }

    private final I2pKeys keys;
    private final I2PSession session;
    private final BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();

    RawSession(I2pRouter router, I2pKeys keys) throws I2PSessionException {
        this.keys = keys;
        // I2P's global context would write its log files into the working directory.
        this.session = new I2PClientImpl().createSession(I2pContext.get(), keys.keyStream(), router.sessionOptions());
        session.addMuxedSessionListener(new Listener(), I2PSession.PROTO_ANY, I2PSession.PORT_ANY);
        session.connect();
    }

    I2pKeys keys() {
        return keys;
    }

    /** Sends {@code bytes} with I2CP protocol {@code protocol}, ports 0. */
    void send(I2pKeys to, byte[] bytes, int protocol) throws I2PSessionException {
        send(to.i2pDestination(), bytes, protocol);
    }

    void send(net.i2p.data.Destination to, byte[] bytes, int protocol) throws I2PSessionException {
        session.sendMessage(to, bytes, 0, bytes.length, null, null, protocol, 0, 0);
    }

    /** What the router finally says of a message sent to a destination on the same router. */
    interface LocalOutcome {
        /** @param delivered whether the router handed the message to the recipient's session, or dropped it */
        void settled(boolean delivered);
    }

    /**
     * Sends {@code bytes} with I2CP protocol {@code protocol}, ports 0, and waits until the router
     * has taken it, as {@link #send} does; {@code outcome} hears later whether the router handed it
     * to the recipient's session on this router or dropped it (a router drops what does not fit in
     * its queue to that session, and {@link #send} never tells).
     */
    void sendReported(net.i2p.data.Destination to, byte[] bytes, int protocol, LocalOutcome outcome)
            throws I2PSessionException, InterruptedException {
        CountDownLatch taken = new CountDownLatch(1);
        session.sendMessage(to, bytes, 0, bytes.length, protocol, 0, 0, new SendMessageOptions(), (from, nonce, status) -> {
            taken.countDown();
            if (status == MessageStatusMessage.STATUS_SEND_SUCCESS_LOCAL || status == MessageStatusMessage.STATUS_SEND_FAILURE_LOCAL) {
                outcome.settled(status == MessageStatusMessage.STATUS_SEND_SUCCESS_LOCAL);
            }
        });
        assertThat(taken.await(60, TimeUnit.SECONDS)).as("the router took a message within 60 s").isTrue();
    }

    /** Sends {@code bytes} with I2CP protocol {@code protocol} and source port {@code fromPort}. */
    void sendFrom(I2pKeys to, byte[] bytes, int protocol, int fromPort) throws I2PSessionException {
        session.sendMessage(to.i2pDestination(), bytes, 0, bytes.length, null, null, protocol, fromPort, 0);
    }

    /** The next message within {@code wait}, or {@code null}. */
    Received poll(java.time.Duration wait) throws InterruptedException {
        return inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next message, failing the test if none comes in 30 s. */
    Received next() throws InterruptedException {
        Received received = inbox.poll(30, TimeUnit.SECONDS);
        assertThat(received).as("a message within 30 s").isNotNull();
        return received;
    }

    @Override
    public void close() throws I2PSessionException {
        session.destroySession();
    }

    private final class Listener implements I2PSessionMuxedListener {
        @Override
        public void messageAvailable(I2PSession from, int id, long size, int protocol, int fromPort, int toPort) {
            try {
                byte[] bytes = from.receiveMessage(id);
                if (bytes != null) {
                    inbox.add(new Received(bytes, protocol));
                }
            } catch (I2PSessionException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void messageAvailable(I2PSession from, int id, long size) {
            messageAvailable(from, id, size, 0, 0, 0);
        }

        @Override
        public void reportAbuse(I2PSession from, int severity) {
        }

        @Override
        public void disconnected(I2PSession from) {
        }

        @Override
        public void errorOccurred(I2PSession from, String message, Throwable error) {
        }
    }
}
