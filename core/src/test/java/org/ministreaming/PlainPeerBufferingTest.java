package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.Await;
import org.ministreaming.engine.EngineSettings;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;

/**
 * Peers without flow control (the original implementation, here a manager with flow control off
 * or a scripted peer) may send far ahead of a slow reader: up to the plain allowance per
 * connection, within the manager's receive budget over all connections. Beyond either, one
 * connection is closed with an error that names the option to raise; memory stays bounded.
 */
class PlainPeerBufferingTest {

    private static final int OVERHEAD = EngineSettings.BUFFERED_MESSAGE_OVERHEAD;
    private static final int MIB = 1 << 20;
    private static final String PEER = "6D 65 6D 3A 70 65 65 72"; // "mem:peer"

    private final MemoryEndpoints endpoints = new MemoryEndpoints();

    private StreamManager manager(String name, StreamOptions.Builder options) throws IOException {
        return endpoints.manager(name, options);
    }

    private ScriptedPeer peer(String name) throws IOException {
        return endpoints.peer(name);
    }

    @AfterEach
    void stop() {
        endpoints.close();
    }

    /** A connection from a manager without flow control, accepted by {@code server}. */
    private static StreamSocket[] connectPlain(StreamManager plain, StreamManager server) throws Exception {
        StreamServerSocket serverSocket = server.serverSocket();
        CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Duration.ofSeconds(30)));
        StreamSocket client = plain.connect(server.localDestination());
        StreamSocket served = accepted.get(30, TimeUnit.SECONDS);
        assertThat(served.hasFlowControl()).isFalse();
        return new StreamSocket[] {client, served};
    }

    private static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    @Test
    void aPlainSendersTenMebibytesArriveWholeWhileTheReaderPausesForRandomSpells() throws Exception {
        StreamManager receiver = manager("receiver", StreamOptions.builder());
        StreamManager plain = manager("plain", StreamOptions.builder().flowControl(false));
        StreamSocket[] pair = connectPlain(plain, receiver);
        byte[] data = random(10 * MIB, 1);

        CompletableFuture<Void> sending = Async.run(() -> {
            pair[0].getOutputStream().write(data);
            pair[0].close();
            return null;
        });
        Random pauses = new Random(2);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] chunk = new byte[256 * 1024];
        InputStream in = pair[1].getInputStream();
        for (int n; (n = in.read(chunk)) >= 0; ) {
            received.write(chunk, 0, n);
            if (pauses.nextInt(4) == 0) {
                Thread.sleep(pauses.nextInt(200)); // a reader that falls behind, as a busy application does
            }
        }
        sending.get(30, TimeUnit.SECONDS);

        assertThat(sha256(received.toByteArray())).isEqualTo(sha256(data));
        assertThat(receiver.statistics()).containsEntry(Counter.OVERRUN, 0L).containsEntry(Counter.RECEIVE_BUDGET_EXHAUSTED, 0L);
    }

    @Test
    void aReaderThatStartsAfterEverythingArrivedStillGetsItAll() throws Exception {
        StreamManager receiver = manager("receiver", StreamOptions.builder());
        StreamManager plain = manager("plain", StreamOptions.builder().flowControl(false));
        StreamSocket[] pair = connectPlain(plain, receiver);
        byte[] data = random(8 * MIB, 3);

        pair[0].getOutputStream().write(data);
        Await.until("all 8 MiB are buffered", () -> receiver.bufferedBytes() == data.length);

        assertThat(receiver.receiveBudgetHighWater())
                .isGreaterThan(StreamOptions.DEFAULT_RECEIVE_BUFFER_SIZE)
                .isLessThanOrEqualTo(receiver.options().receiveBudget());
        assertThat(pair[1].getInputStream().readNBytes(data.length)).isEqualTo(data);
        assertThat(receiver.statistics()).containsEntry(Counter.OVERRUN, 0L);
        assertThat(receiver.receiveBudgetUsed()).isZero();
    }

    @Test
    void connectionsWithFlowControlAreBoundByTheirWindowAndCountTowardsTheBudget() throws Exception {
        int window = 64 * 1024;
        StreamManager receiver = manager("receiver", StreamOptions.builder().receiveBufferSize(window));
        StreamManager sender = manager("sender", StreamOptions.builder().writeTimeout(Duration.ofMillis(200)));
        StreamServerSocket serverSocket = receiver.serverSocket();
        CompletableFuture<StreamSocket> accepted = Async.run(() -> serverSocket.accept(Duration.ofSeconds(30)));
        StreamSocket client = sender.connect(receiver.localDestination());
        StreamSocket served = accepted.get(30, TimeUnit.SECONDS);
        assertThat(served.hasFlowControl()).isTrue();

        assertThatThrownBy(() -> client.getOutputStream().write(new byte[4 * window])).isInstanceOf(SocketTimeoutException.class);
        Await.until("the window is buffered", () -> receiver.bufferedBytes() == window);

        assertThat(receiver.receiveBudgetUsed()).isEqualTo(window + 2L * OVERHEAD);
        served.close();
        assertThat(receiver.receiveBudgetUsed()).isZero();
    }

    @Test
    void aReaderThatNeverReadsIsClosedAtTheAllowanceAndAnotherConnectionCarriesOn() throws Exception {
        StreamManager receiver = manager("receiver", StreamOptions.builder().plainReceiveAllowance(MIB));
        StreamManager plain = manager("plain", StreamOptions.builder().flowControl(false));
        StreamSocket[] lazy = connectPlain(plain, receiver);
        StreamSocket[] busy = connectPlain(plain, receiver);
        byte[] flood = random(2 * MIB, 4);

        try {
            lazy[0].getOutputStream().write(flood);
        } catch (IOException closedMeanwhile) {
            // the receiver's close may come back before the last of the flood was written
        }
        Await.until("the lazy connection is overrun", () -> receiver.statistics().get(Counter.OVERRUN) == 1);

        ByteArrayOutputStream before = new ByteArrayOutputStream();
        InputStream lazyIn = lazy[1].getInputStream();
        assertThatThrownBy(() -> lazyIn.transferTo(before)).isInstanceOf(IOException.class)
                .hasMessageContaining("(StreamOptions plainReceiveAllowance)")
                .hasMessageContaining("1 MiB");
        assertThat(before.size()).isPositive().isLessThanOrEqualTo(MIB);
        assertThat(before.toByteArray()).isEqualTo(Arrays.copyOf(flood, before.size()));

        byte[] data = random(MIB / 2, 5);
        busy[0].getOutputStream().write(data);
        busy[0].close();
        assertThat(busy[1].getInputStream().readAllBytes()).isEqualTo(data);
        assertThat(receiver.statistics()).containsEntry(Counter.OVERRUN, 1L).containsEntry(Counter.RECEIVE_BUDGET_EXHAUSTED, 0L);
    }

    @Test
    void aFloodOfOneByteMessagesIsBoundedByTheirOverhead() throws Exception {
        int allowance = 64 * 1024;
        StreamManager server = manager("server", StreamOptions.builder().plainReceiveAllowance(allowance));
        StreamServerSocket serverSocket = server.serverSocket();
        ScriptedPeer peer = peer("peer");
        Destination to = server.localDestination();
        peer.send(to, "C->S A1 12 34 56 " + PEER);
        StreamSocket socket = serverSocket.accept(ScriptedPeer.WAIT);
        ConnectionId serverId = peer.expectMessage().ackedServerId();

        for (int i = 0; i < 1000; i++) {
            peer.send(to, Message.of(MessageType.CLIENT_DATA, serverId, new byte[] {(byte) i}).toByteArray());
        }
        List<byte[]> answers = peer.syncCollecting(to);

        int fit = allowance / (1 + OVERHEAD);
        assertThat(answers).extracting(ScriptedPeer::hex).containsExactly("52 12 34 56");
        assertThat(server.statistics()).containsEntry(Counter.OVERRUN, 1L);
        assertThat(server.receiveBudgetHighWater()).isEqualTo((long) fit * (1 + OVERHEAD)).isLessThanOrEqualTo(allowance);
        assertThat(socket.getInputStream().readNBytes(fit)).hasSize(fit);
        assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(IOException.class)
                .hasMessageContaining("plainReceiveAllowance");
    }

    @Test
    void twoHundredFloodedPlainConnectionsNeverPushTheManagerPastItsBudget() throws Exception {
        long budget = 16L * MIB;
        StreamManager server = manager("server", StreamOptions.builder()
                .plainReceiveAllowance(MIB).receiveBudget(budget).acceptBacklog(512).readTimeout(Duration.ofSeconds(30)));
        StreamServerSocket serverSocket = server.serverSocket();
        ScriptedPeer flooder = peer("peer");
        Destination to = server.localDestination();
        int connections = 200;
        int readers = 20;
        List<StreamSocket> sockets = new ArrayList<>();
        List<ConnectionId> serverIds = new ArrayList<>();
        for (int i = 1; i <= connections; i++) {
            String clientId = new ConnectionId(i).toString();
            flooder.send(to, "C->S A1 " + clientId + " " + PEER);
            sockets.add(serverSocket.accept(ScriptedPeer.WAIT));
            serverIds.add(flooder.expectMessage().ackedServerId());
        }
        // The first 20 connections carry 64 KiB each to readers that keep reading; the other 180
        // get 512 KiB each, 90 MiB in all, that nobody reads while the flood lasts. A reader's
        // connection never holds more than 64 KiB and 2 messages' overhead, less than the
        // 16 MiB / 200 that the largest holder holds whenever the budget is full: never evicted.
        byte[][] sent = new byte[connections][];
        List<CompletableFuture<byte[]>> reading = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            sent[i] = random(i < readers ? 64 * 1024 : 512 * 1024, 100 + i);
            if (i < readers) {
                InputStream in = sockets.get(i).getInputStream();
                reading.add(Async.run(in::readAllBytes));
            }
        }
        int chunk = 32 * 1024;
        for (int offset = 0; offset < 512 * 1024; offset += chunk) {
            for (int i = 0; i < connections; i++) {
                if (offset < sent[i].length) {
                    byte[] payload = Arrays.copyOfRange(sent[i], offset, offset + chunk);
                    flooder.send(to, Message.of(MessageType.CLIENT_DATA, serverIds.get(i), payload).toByteArray());
                }
                if (offset + chunk == sent[i].length) {
                    flooder.send(to, Message.of(MessageType.CLIENT_CLOSE, serverIds.get(i), new byte[0]).toByteArray());
                }
            }
        }
        List<byte[]> closes = flooder.syncCollecting(to);

        assertThat(server.receiveBudgetHighWater()).isLessThanOrEqualTo(budget).isGreaterThan(budget - (chunk + OVERHEAD));
        long evictions = server.statistics().get(Counter.RECEIVE_BUDGET_EXHAUSTED);
        assertThat(evictions).isPositive();
        // a close goes to the peer for each evicted connection it had not closed itself already
        assertThat(closes).hasSizeLessThanOrEqualTo((int) evictions).allMatch(close -> ScriptedPeer.hex(close).startsWith("52 "));
        for (int i = 0; i < readers; i++) {
            assertThat(reading.get(i).get(30, TimeUnit.SECONDS)).as("reader %d", i).isEqualTo(sent[i]);
        }
        int evicted = 0;
        for (int i = readers; i < connections; i++) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                sockets.get(i).getInputStream().transferTo(got);
                assertThat(got.toByteArray()).as("connection %d", i).isEqualTo(sent[i]);
            } catch (IOException e) {
                assertThat(e).hasMessageContaining("(StreamOptions receiveBudget)");
                assertThat(got.size()).as("connection %d read nothing, its bytes were discarded", i).isZero();
                evicted++;
            }
        }
        assertThat(evicted).isEqualTo(evictions);
        assertThat(server.statistics()).containsEntry(Counter.OVERRUN, 0L).containsEntry(Counter.INTERNAL_ERROR, 0L);
        assertThat(server.receiveBudgetUsed()).isZero();
    }
}
