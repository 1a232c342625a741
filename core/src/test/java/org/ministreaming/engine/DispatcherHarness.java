package org.ministreaming.engine;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.ministreaming.Counter;
import org.ministreaming.Limits;
import org.ministreaming.MessageListener;
import org.ministreaming.fuzz.Seeds;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Lender;
import org.ministreaming.wire.Chaff;
import org.ministreaming.wire.Codec;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.CreditExtension;
import org.ministreaming.wire.MalformedMessageException;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;
import org.ministreaming.wire.Packet;
import org.ministreaming.wire.TraceFormat;

/**
 * A real {@link Engine} over a {@link RecordingTransport} (no threads of its own), set up with
 * established connections, that a fuzzing script then attacks from two peers; afterwards it
 * checks what must hold whatever the peers sent:
 * <ul>
 *   <li>nothing was thrown out of {@link Engine#onMessage}, and {@link Counter#INTERNAL_ERROR}
 *       is 0;</li>
 *   <li>every message the engine sent decodes with {@link Codec#decode}, and it went to a
 *       fuzzing peer: nobody else hears about the fuzzing;</li>
 *   <li>the trace notation can write and describe every message the engine saw or sent;</li>
 *   <li>the connection table stays within the {@link Limits}, the backlog within its size and
 *       each peer's share of it;</li>
 *   <li>the established connections of the other peers, alice and carol, are untouched: still
 *       in the table, still open, credit as agreed, and their buffered bytes intact.</li>
 * </ul>
 * {@link #run} plays each script twice: with every message handed over, and with every message
 * lent ({@link Lender}, which scribbles over a loan's memory once it is given back), where every
 * loan must come back once, by the time the engine and every connection closed, and the victims'
 * bytes, read after the script, must still be intact.
 *
 * <p>The ids are fixed: the engine's id source returns planned ids during the set-up and then
 * counts up from 1, so that a script (and the {@link Seeds}) can address live connections.
 * Each peer has these connections with the engine ({@code mem:server}):
 * <pre>
 *  peer     engine's role  client id  server id  credit
 *  mallory  server         12 34 56   98 76 54   no
 *  mallory  server         11 11 11   FF FF FF   yes (mallory's window 64)
 *  mallory  client         12 34 56   98 76 54   no
 *  mallory  client         11 11 11   FF FF FF   yes (mallory's window 64)
 *  eve      -              (none; eve may open some)
 *  alice    server         0A 0A 0A   98 76 54   no,  100 bytes buffered
 *  carol    server         11 11 11   FF FF FF   yes, 200 bytes buffered
 *  alice    client         12 34 56   98 76 54   no,  50 bytes buffered
 *  carol    client         11 11 11   FF FF FF   yes, 300 bytes buffered
 * </pre>
 * So mallory's and the victims' connections share every id, and only the peer tells them apart.
 * The engine's limits are small (24 connections, 12 per peer, 16 SYNs per second per peer, an
 * 8-connection backlog, 4096-byte receive buffers) so that a short script reaches them.
 */
final class DispatcherHarness implements AutoCloseable {

    static final Destination MALLORY = Destination.of("mem:mallory");
    static final Destination EVE = Destination.of("mem:eve");
    static final Destination ALICE = Destination.of("mem:alice");
    static final Destination CAROL = Destination.of("mem:carol");
    /** The peers a script sends from, by the index in {@link FuzzScript.Send#peer()}. */
    static final List<Destination> FUZZING_PEERS = List.of(MALLORY, EVE);

    static final Limits LIMITS = new Limits(24, 12, 16, 32772);
    static final int BACKLOG = 8;
    static final int RECEIVE_BUFFER = 4096;
    /** The plain allowance: 4096 data bytes in two messages, so the overrun seed (4000 + 200) overruns at its second. */
    static final int PLAIN_ALLOWANCE = RECEIVE_BUFFER + 2 * EngineSettings.BUFFERED_MESSAGE_OVERHEAD;
    static final int CAROL_WINDOW = 2048;

    private static final int[] PLANNED_IDS = {
        0x987654, 0xFFFFFF, 0x123456, 0x111111, // mallory: server, server, client, client
        0x987654, 0xFFFFFF, 0x123456, 0x111111, // alice server, carol server, alice client, carol client
    };

    /** Runs the engine's blocking {@code connect()} calls during the set-up. */
    private static final ExecutorService CONNECTS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fuzz-connect");
        thread.setDaemon(true);
        return thread;
    });

    /** The engine's logger, held so that {@link #quietLogs} lasts. */
    private static final Logger ENGINE_LOG = Logger.getLogger(Engine.class.getName());

    /** A connection of another peer that the fuzzing must not touch, and the bytes it holds. */
    record Victim(Connection connection, boolean credit, ConnectionId remoteId, byte[] buffered) {
    }

    final RecordingTransport transport = new RecordingTransport("mem:server");
    final Engine engine;
    final Acceptor acceptor;
    /** The connections with the fuzzing peers that the application steps use. */
    final List<Connection> fuzzable = new ArrayList<>();
    final List<Victim> victims = new ArrayList<>();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final byte[] readBuffer = new byte[1024];
    /** Lends each message to the engine, or {@code null} when messages are handed over. */
    private final Lender lender;

    /**
     * @param lent whether every message is lent to the engine ({@link Lender}) instead of handed
     *     over; the engine then has no listener, which would make it copy what it is lent
     */
    DispatcherHarness(boolean lent) throws Exception {
        EngineSettings settings = new EngineSettings(Duration.ofHours(1), BACKLOG, RECEIVE_BUFFER, PLAIN_ALLOWANCE,
                Long.MAX_VALUE, new PlannedIds(), true, Duration.ZERO, LIMITS);
        lender = lent ? new Lender() : null;
        engine = Engine.start(transport, settings, lent ? MessageListener.NONE : new TraceChecker());
        acceptor = engine.acceptor();
        fuzzable.add(accept(MALLORY, 0x123456, Seeds.ascii("mem:mallory"), 0x987654, 0));
        fuzzable.add(accept(MALLORY, 0x111111, CreditExtension.withTrailer(Seeds.ascii("mem:mallory"), Seeds.MALLORY_WINDOW),
                0xFFFFFF, Seeds.MALLORY_WINDOW));
        fuzzable.add(connect(MALLORY, 0x123456, 0x987654, 0));
        fuzzable.add(connect(MALLORY, 0x111111, 0xFFFFFF, Seeds.MALLORY_WINDOW));
        victim(accept(ALICE, 0x0A0A0A, Seeds.ascii("mem:alice"), 0x987654, 0), MessageType.CLIENT_DATA, 100);
        victim(accept(CAROL, 0x111111, CreditExtension.withTrailer(Seeds.ascii("mem:carol"), CAROL_WINDOW), 0xFFFFFF, CAROL_WINDOW),
                MessageType.CLIENT_DATA, 200);
        victim(connect(ALICE, 0x123456, 0x987654, 0), MessageType.SERVER_DATA, 50);
        victim(connect(CAROL, 0x111111, 0xFFFFFF, CAROL_WINDOW), MessageType.SERVER_DATA, 300);
        List<RecordingTransport.Sent> setUp = new ArrayList<>();
        transport.sent.drainTo(setUp);
        for (RecordingTransport.Sent sent : setUp) {
            decodeSent(sent);
        }
        check(engine.counters().entrySet().stream().allMatch(count -> count.getValue() == 0
                || count.getKey() == Counter.MESSAGES_RECEIVED || count.getKey() == Counter.MESSAGES_SENT),
                "the set-up counted only messages: " + engine.counters());
    }

    /**
     * Runs a script against a fresh harness and checks the outcome; then again with every message
     * lent, where the victims' bytes must also be intact though each loan's memory is scribbled
     * over once given back, and every loan must be back once the engine has closed.
     *
     * @return what the engine counted, the messages handed over
     * @throws AssertionError if anything that must hold did not
     */
    static Map<Counter, Long> run(List<FuzzScript.Step> script) throws Exception {
        Map<Counter, Long> counted;
        try (DispatcherHarness harness = new DispatcherHarness(false)) {
            harness.play(script);
            harness.checkAfterwards();
            counted = harness.engine.counters();
        }
        try (DispatcherHarness harness = new DispatcherHarness(true)) {
            harness.play(script);
            harness.checkAfterwards();
            List<Connection> all = new ArrayList<>(harness.engine.sessions().connections());
            all.addAll(harness.fuzzable);
            harness.engine.close();
            // Bytes buffered when the engine closed stay readable until the application closes its end.
            all.forEach(Connection::close);
            check(harness.lender.outstanding() == 0, harness.lender.outstanding() + " loans not given back after every connection closed");
            check(harness.lender.givenBackAgain() == 0, harness.lender.givenBackAgain() + " loans given back twice");
        }
        return counted;
    }

    /** Turns the engine's per-event log lines off (a fuzzer provokes thousands); the counters still count. */
    static Level quietLogs() {
        Level before = ENGINE_LOG.getLevel();
        ENGINE_LOG.setLevel(Level.SEVERE);
        return before;
    }

    /** Restores what {@link #quietLogs} changed. */
    static void restoreLogs(Level before) {
        ENGINE_LOG.setLevel(before);
    }

    // ---------------------------------------------------------------- set-up

    private ServerConnection accept(Destination peer, int clientId, byte[] synPayload, int serverId, int clientWindow) throws IOException {
        ConnectionId client = new ConnectionId(clientId);
        receive(peer, Message.syn(client, synPayload).toByteArray());
        ServerConnection connection = acceptor.accept(10_000);
        check(connection.peer().equals(peer) && connection.localId().equals(new ConnectionId(serverId)),
                "set-up accepted " + connection + " instead of server id " + new ConnectionId(serverId) + " with " + peer);
        Message expectedAck = clientWindow > 0
                ? Message.ack(client, new ConnectionId(serverId), RECEIVE_BUFFER)
                : Message.ack(client, new ConnectionId(serverId));
        RecordingTransport.Sent ack = transport.sent.poll();
        check(ack != null && ack.to().equals(peer) && Arrays.equals(ack.bytes(), expectedAck.toByteArray()),
                "set-up expected the ACK " + expectedAck + " to " + peer);
        check(connection.hasCredit() == clientWindow > 0, "set-up credit of " + connection);
        return connection;
    }

    private ClientConnection connect(Destination peer, int clientId, int serverId, int serverWindow) throws Exception {
        Future<ClientConnection> connecting = CONNECTS.submit(() -> engine.connect(peer, Duration.ofSeconds(10)));
        RecordingTransport.Sent syn = transport.sent.poll(10, TimeUnit.SECONDS);
        check(syn != null && syn.to().equals(peer), "set-up expected a SYN to " + peer);
        Message expectedSyn = Message.syn(new ConnectionId(clientId),
                CreditExtension.withTrailer(transport.synPayload(), RECEIVE_BUFFER));
        check(Arrays.equals(syn.bytes(), expectedSyn.toByteArray()), "set-up expected the SYN " + expectedSyn);
        ConnectionId client = new ConnectionId(clientId);
        Message ack = serverWindow > 0
                ? Message.ack(client, new ConnectionId(serverId), serverWindow)
                : Message.ack(client, new ConnectionId(serverId));
        receive(peer, ack.toByteArray());
        ClientConnection connection = connecting.get(10, TimeUnit.SECONDS);
        check(connection.hasCredit() == serverWindow > 0, "set-up credit of " + connection);
        return connection;
    }

    private void victim(Connection connection, MessageType dataType, int length) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (i * 7 + length);
        }
        // Data always carries the receiver's id.
        receive(connection.peer(), Message.of(dataType, connection.localId(), data).toByteArray());
        check(connection.available() == length, "set-up buffered " + connection.available() + " bytes on " + connection);
        victims.add(new Victim(connection, connection.hasCredit(), connection.remoteId(), data));
    }

    /** One inbound message, handed over or lent. */
    private void receive(Destination from, byte[] message) {
        if (lender == null) {
            engine.onMessage(from, ByteBuffer.wrap(message));
        } else {
            lender.lend(engine, from, ByteBuffer.wrap(message));
        }
    }

    // ---------------------------------------------------------------- the script

    void play(List<FuzzScript.Step> script) throws IOException {
        for (FuzzScript.Step step : script) {
            if (step instanceof FuzzScript.Send send) {
                receive(FUZZING_PEERS.get(send.peer()), send.bytes().clone());
            } else if (step instanceof FuzzScript.Accept) {
                acceptOne();
            } else if (step instanceof FuzzScript.Read read) {
                Connection connection = pick(read.connection());
                if (connection.available() > 0) {
                    try {
                        connection.read(readBuffer, 0, Math.min(read.max(), readBuffer.length));
                    } catch (IOException e) {
                        // The connection failed or this side closed it: the application sees that.
                    }
                }
            } else if (step instanceof FuzzScript.Write write) {
                Connection connection = pick(write.connection());
                connection.setWriteTimeoutMillis(1);
                try {
                    connection.write(new byte[write.length()], 0, write.length());
                } catch (IOException e) {
                    // Closed, failed, or no credit within 1 ms: the application sees that.
                }
            } else if (step instanceof FuzzScript.Close close) {
                pick(close.connection()).close();
            }
            check(engine.connectionCount() <= LIMITS.maxConnections(),
                    engine.connectionCount() + " connections, more than the limit, after " + step);
        }
    }

    private void acceptOne() throws IOException {
        boolean waiting = engine.sessions().connections().stream()
                .anyMatch(c -> c instanceof ServerConnection server && server.state() == ServerState.WAITING_FOR_ACCEPT);
        if (!waiting) {
            return;
        }
        try {
            ServerConnection accepted = acceptor.accept(1);
            check(FUZZING_PEERS.contains(accepted.peer()), "accepted a connection of " + accepted.peer());
            fuzzable.add(accepted);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("a connection was waiting, but accept() found none", e);
        }
    }

    private Connection pick(int index) {
        return fuzzable.get(index % fuzzable.size());
    }

    // ---------------------------------------------------------------- the checks

    void checkAfterwards() throws IOException {
        check(problems.isEmpty(), "the trace notation failed: " + problems);
        check(engine.count(Counter.INTERNAL_ERROR) == 0, "INTERNAL_ERROR counted: " + engine.counters());
        List<RecordingTransport.Sent> sent = new ArrayList<>();
        transport.sent.drainTo(sent);
        for (RecordingTransport.Sent message : sent) {
            decodeSent(message);
            check(FUZZING_PEERS.contains(message.to()), "the engine sent " + hex(message.bytes())
                    + " to " + message.to() + ", who took no part in the fuzzing");
        }
        checkTable();
        for (Victim victim : victims) {
            checkVictim(victim);
        }
    }

    private void checkTable() {
        List<Connection> table = engine.sessions().connections();
        check(table.size() <= LIMITS.maxConnections(), table.size() + " connections, limit " + LIMITS.maxConnections());
        Map<Destination, Integer> perPeer = new HashMap<>();
        Map<Destination, Integer> waitingPerPeer = new HashMap<>();
        int waiting = 0;
        for (Connection connection : table) {
            perPeer.merge(connection.peer(), 1, Integer::sum);
            if (connection instanceof ServerConnection server && server.state() == ServerState.WAITING_FOR_ACCEPT) {
                waiting++;
                waitingPerPeer.merge(connection.peer(), 1, Integer::sum);
            }
            check(!connection.isClosed(), "a closed connection stayed in the table: " + connection);
        }
        for (Map.Entry<Destination, Integer> peer : perPeer.entrySet()) {
            check(peer.getValue() <= LIMITS.maxConnectionsPerPeer(), peer.getValue() + " connections with " + peer.getKey()
                    + ", limit " + LIMITS.maxConnectionsPerPeer());
        }
        check(waiting <= BACKLOG, waiting + " connections waiting for accept, backlog " + BACKLOG);
        for (Map.Entry<Destination, Integer> peer : waitingPerPeer.entrySet()) {
            check(peer.getValue() <= BACKLOG / 2, peer.getValue() + " connections of " + peer.getKey() + " waiting, more than half the backlog");
        }
    }

    private void checkVictim(Victim victim) throws IOException {
        Connection connection = victim.connection();
        check(engine.sessions().connections().contains(connection), connection + " left the table");
        check(!connection.isClosed() && connection.isOpen(), connection + " is no longer open");
        boolean established = connection instanceof ServerConnection server
                ? server.state() == ServerState.ESTABLISHED
                : ((ClientConnection) connection).state() == ClientState.ESTABLISHED;
        check(established, connection + " left ESTABLISHED");
        check(connection.failure() == null, connection + " failed: " + connection.failure());
        check(connection.hasCredit() == victim.credit(), connection + " changed its credit agreement");
        check(victim.remoteId().equals(connection.remoteId()), connection + " changed its remote id");
        check(connection.available() == victim.buffered().length,
                connection + " holds " + connection.available() + " bytes, not " + victim.buffered().length);
        byte[] read = new byte[victim.buffered().length];
        int at = 0;
        while (at < read.length) {
            at += connection.read(read, at, read.length - at);
        }
        check(Arrays.equals(read, victim.buffered()), connection + " holds other bytes than it was sent");
    }

    private static Packet decodeSent(RecordingTransport.Sent sent) {
        Packet packet;
        try {
            packet = Codec.decode(sent.bytes().clone());
        } catch (MalformedMessageException e) {
            throw new AssertionError("the engine sent a malformed message " + hex(sent.bytes()) + " to " + sent.to(), e);
        }
        check(!(packet instanceof Chaff), "the engine sent chaff to " + sent.to() + " without a ping");
        return packet;
    }

    /** Bytes as the trace notation writes them, cut after 32. */
    static String hex(byte[] bytes) {
        int shown = Math.min(bytes.length, 32);
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes, 0, shown) + (shown < bytes.length ? " ... (" + bytes.length + " bytes)" : "");
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    @Override
    public void close() {
        engine.close();
    }

    /** Checks that the trace notation handles every message the engine reports. */
    private final class TraceChecker implements MessageListener {
        @Override
        public void sent(Destination to, Packet packet) {
            trace(packet);
        }

        @Override
        public void received(Destination from, Packet packet) {
            trace(packet);
        }

        @Override
        public void malformed(Destination from, byte[] bytes, MalformedMessageException problem) {
            if (problem.reason() == null) {
                problems.add("no reason for " + hex(bytes));
            }
        }

        private void trace(Packet packet) {
            try {
                TraceFormat.format(packet);
                TraceFormat.describe(packet);
            } catch (RuntimeException e) {
                problems.add(e + " tracing " + hex(packet.toByteArray()));
            }
        }
    }

    /** Hands out the planned ids, then 1, 2, 3 and so on. */
    private static final class PlannedIds extends Random {
        private static final long serialVersionUID = 1L;
        private int next;
        private int counted;

        PlannedIds() {
            super(1);
        }

        @Override
        public synchronized int nextInt(int bound) {
            int id = next < PLANNED_IDS.length ? PLANNED_IDS[next++] : ++counted;
            return (id - 1) % bound;
        }
    }
}
