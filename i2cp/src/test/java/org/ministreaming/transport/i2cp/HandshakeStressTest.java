package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many threads seal frames to several peers at once while each receiver opens them on one thread,
 * as I2P delivers: every frame arrives from its sender, intact, and the handshakes all settle on
 * compact envelopes.
 */
class HandshakeStressTest {

    private static final int PEERS = 3;
    private static final int SENDERS_PER_PEER = 3;
    private static final int FRAMES = 400;

    @Test
    void concurrentSealsAndOpensBetweenSeveralPeersLoseNothingAndSettleOnCompactEnvelopes() throws Exception {
        I2pKeys hubKeys = I2pKeys.generate();
        Handshake hub = new Handshake(hubKeys, false, Handshake.SILENCE);
        List<I2pKeys> peerKeys = new ArrayList<>();
        List<Handshake> peers = new ArrayList<>();
        for (int i = 0; i < PEERS; i++) {
            peerKeys.add(I2pKeys.generate());
            peers.add(new Handshake(peerKeys.get(i), false, Handshake.SILENCE));
        }
        BlockingQueue<byte[]> toHub = new LinkedBlockingQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(PEERS * SENDERS_PER_PEER * 2 + 1);
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (int p = 0; p < PEERS; p++) {
                int peer = p;
                for (int s = 0; s < SENDERS_PER_PEER; s++) {
                    int sender = s;
                    sends.add(threads.submit(() -> {
                        for (int n = 0; n < FRAMES; n++) {
                            toHub.add(peers.get(peer).seal(hubKeys.i2pDestination(), frame(peer, sender, n), ByteBuffer.allocate(0)));
                            byte[] back = hub.seal(peerKeys.get(peer).i2pDestination(), frame(peer, sender, n), ByteBuffer.allocate(0));
                            assertThat(peers.get(peer).open(back, Envelope.PORT)).as("the hub's frame to peer %d", peer).isNotNull();
                        }
                        return null;
                    }));
                }
            }
            int[][] heard = new int[PEERS][SENDERS_PER_PEER];
            Future<?> hubReceiver = threads.submit(() -> {
                for (int got = 0; got < PEERS * SENDERS_PER_PEER * FRAMES; got++) {
                    byte[] sealed = toHub.poll(60, TimeUnit.SECONDS);
                    assertThat(sealed).as("frame %d within 60 s", got).isNotNull();
                    Envelope.Opened opened = hub.open(sealed, Envelope.PORT);
                    assertThat(opened).isNotNull();
                    ByteBuffer frame = opened.message();
                    int peer = frame.get(1);
                    assertThat(opened.sender()).isEqualTo(peerKeys.get(peer).i2pDestination());
                    heard[peer][frame.get(2)]++;
                }
                return null;
            });
            for (Future<?> send : sends) {
                send.get(120, TimeUnit.SECONDS);
            }
            hubReceiver.get(120, TimeUnit.SECONDS);
            for (int p = 0; p < PEERS; p++) {
                for (int s = 0; s < SENDERS_PER_PEER; s++) {
                    assertThat(heard[p][s]).isEqualTo(FRAMES);
                }
                assertThat(peers.get(p).seal(hubKeys.i2pDestination(), frame(p, 0, 0), ByteBuffer.allocate(0))[0])
                        .as("peer %d settled", p).isEqualTo(Envelope.COMPACT);
            }
            long total = (long) PEERS * SENDERS_PER_PEER * FRAMES;
            assertThat(hub.statistics().get(EnvelopeCounter.HELLOS_ACCEPTED) + hub.statistics().get(EnvelopeCounter.COMPACT_ACCEPTED))
                    .isEqualTo(total);
            assertThat(hub.statistics().get(EnvelopeCounter.COMPACT_ACCEPTED)).as("most after the handshake").isGreaterThan(total / 2);
            assertThat(hub.sessions()).isEqualTo(PEERS);
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static ByteBuffer frame(int peer, int sender, int n) {
        return ByteBuffer.wrap(new byte[] {0x7E, (byte) peer, (byte) sender, (byte) (n >> 8), (byte) n, 1, 2, 3});
    }
}
