package org.ministreaming.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.ministreaming.Counter;
import org.ministreaming.MessageListener;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;

/**
 * The server role against a model: any sequence of peer messages and application calls leaves
 * the engine sending exactly what the protocol asks for, holding one connection per live client
 * id, and delivering exactly the data sent on established connections.
 */
class ServerRolePropertiesTest {

    private static final Destination PEER = Destination.of("mem:peer");
    private static final int CLIENTS = 4;

    /** One step of the script. */
    sealed interface Step permits Syn, Accept, PeerData, PeerClose, AppWrite, AppClose, Garbage {
    }

    record Syn(int client) implements Step {
    }

    record Accept() implements Step {
    }

    record PeerData(int client, int length) implements Step {
    }

    record PeerClose(int client) implements Step {
    }

    record AppWrite(int client, int length) implements Step {
    }

    record AppClose(int client) implements Step {
    }

    /** Bytes that are never a message: too short, or an undefined type. */
    record Garbage(byte[] bytes) implements Step {
        @Override
        public String toString() {
            return "Garbage[" + HexFormat.of().formatHex(bytes) + "]";
        }
    }

    /** What the model knows of one client id. */
    private static final class Model {
        Connection socket;
        ConnectionId serverId;
        boolean waiting;
        final List<Byte> unread = new ArrayList<>();
    }

    @Provide
    Arbitrary<List<Step>> scripts() {
        Arbitrary<Integer> client = Arbitraries.integers().between(0, CLIENTS - 1);
        Arbitrary<Integer> length = Arbitraries.integers().between(0, 40);
        Arbitrary<Step> step = Arbitraries.oneOf(
                client.map(Syn::new),
                Arbitraries.just(new Accept()),
                net.jqwik.api.Combinators.combine(client, length).as(PeerData::new),
                client.map(PeerClose::new),
                net.jqwik.api.Combinators.combine(client, length).as(AppWrite::new),
                client.map(AppClose::new),
                garbage().map(Garbage::new));
        return step.list().ofMaxSize(40);
    }

    private static Arbitrary<byte[]> garbage() {
        Arbitrary<byte[]> tooShort = Arbitraries.bytes().array(byte[].class).ofMaxSize(3)
                .filter(b -> b.length == 0 || (b[0] & 0xFF) != 0xFF);
        Arbitrary<byte[]> undefinedType = Arbitraries.bytes().array(byte[].class).ofMinSize(4).ofMaxSize(12)
                .filter(b -> MessageType.fromCode(b[0]) == null);
        Arbitrary<byte[]> chaff = Arbitraries.bytes().array(byte[].class).ofMaxSize(12)
                .map(b -> {
                    byte[] withMarker = new byte[b.length + 1];
                    withMarker[0] = (byte) 0xFF;
                    System.arraycopy(b, 0, withMarker, 1, b.length);
                    return withMarker;
                });
        return Arbitraries.oneOf(tooShort, undefinedType, chaff);
    }

    @Property(tries = 300)
    void serverFollowsTheModel(@ForAll("scripts") List<Step> script)
            throws Exception {
        RecordingTransport transport = new RecordingTransport("mem:server");
        EngineSettings settings = new EngineSettings(Duration.ofHours(1), 64, 1 << 16, new Random(script.size()));
        Engine engine = Engine.start(transport, settings, MessageListener.NONE);
        Acceptor acceptor = engine.acceptor();
        Map<Integer, Model> models = new HashMap<>();
        ArrayDeque<Integer> backlog = new ArrayDeque<>();
        Random data = new Random(1);
        try {
            for (Step step : script) {
                List<String> expected = new ArrayList<>();
                apply(step, engine, acceptor, models, backlog, expected, data);
                List<String> sent = new ArrayList<>();
                RecordingTransport.Sent message;
                while ((message = transport.sent.poll()) != null) {
                    assertThat(message.to()).isEqualTo(PEER);
                    sent.add(HexFormat.of().formatHex(message.bytes()));
                }
                assertThat(sent).as("sent after %s", step).isEqualTo(expected);
                long live = models.values().stream().filter(m -> m.waiting || m.socket != null).count();
                assertThat(engine.connectionCount()).as("connections after %s", step).isEqualTo((int) live);
            }
            for (Model model : models.values()) {
                if (model.socket != null) {
                    assertThat(model.socket.available()).isEqualTo(model.unread.size());
                    byte[] read = new byte[model.unread.size()];
                    int at = 0;
                    while (at < read.length) {
                        at += model.socket.read(read, at, read.length - at);
                    }
                    for (int i = 0; i < read.length; i++) {
                        assertThat(read[i]).isEqualTo(model.unread.get(i));
                    }
                }
            }
            assertThat(engine.count(Counter.INTERNAL_ERROR)).isZero();
        } finally {
            engine.close();
        }
    }

    private static void apply(Step step, Engine engine, Acceptor acceptor, Map<Integer, Model> models,
            ArrayDeque<Integer> backlog, List<String> expected, Random data) throws IOException {
        Model model = step instanceof Accept || step instanceof Garbage ? null
                : models.computeIfAbsent(clientOf(step), c -> new Model());
        ConnectionId clientId = new ConnectionId(0x100 + (model == null ? 0 : clientOf(step)));
        if (step instanceof Syn) {
            engine.onMessage(PEER, ByteBuffer.wrap(Message.syn(clientId, "mem:peer".getBytes(java.nio.charset.StandardCharsets.UTF_8)).toByteArray()));
            if (model.socket != null) {
                expected.add(hex(Message.ack(clientId, model.serverId)));
            } else if (!model.waiting) {
                model.waiting = true;
                backlog.addLast(clientOf(step));
            }
        } else if (step instanceof Accept) {
            if (backlog.isEmpty()) {
                assertThatThrownBy(() -> acceptor.accept(1)).isInstanceOf(SocketTimeoutException.class);
                return;
            }
            int client = backlog.removeFirst();
            Model accepted = models.get(client);
            ServerConnection connection = acceptor.accept(1);
            assertThat(connection.remoteId()).isEqualTo(new ConnectionId(0x100 + client));
            accepted.waiting = false;
            accepted.socket = connection;
            accepted.serverId = connection.localId();
            expected.add(hex(Message.ack(connection.remoteId(), connection.localId())));
        } else if (step instanceof PeerData peerData) {
            byte[] payload = new byte[peerData.length()];
            data.nextBytes(payload);
            ConnectionId target = model.serverId != null ? model.serverId : new ConnectionId(0xABCDEF);
            engine.onMessage(PEER, ByteBuffer.wrap(Message.of(MessageType.CLIENT_DATA, target, payload).toByteArray()));
            if (model.socket != null) {
                for (byte b : payload) {
                    model.unread.add(b);
                }
            }
        } else if (step instanceof PeerClose) {
            ConnectionId target = model.serverId != null ? model.serverId : new ConnectionId(0xABCDEF);
            engine.onMessage(PEER, ByteBuffer.wrap(Message.clientClose(target).toByteArray()));
            if (model.socket != null) {
                drainToEof(model);
                forget(model);
            }
        } else if (step instanceof AppWrite appWrite) {
            if (model.socket != null) {
                byte[] payload = new byte[appWrite.length()];
                data.nextBytes(payload);
                model.socket.write(payload, 0, payload.length);
                if (payload.length > 0) {
                    expected.add(hex(Message.of(MessageType.SERVER_DATA, clientId, payload)));
                }
            }
        } else if (step instanceof AppClose) {
            if (model.socket != null) {
                model.socket.close();
                expected.add(hex(Message.serverClose(clientId)));
                forget(model);
            }
        } else if (step instanceof Garbage garbage) {
            engine.onMessage(PEER, ByteBuffer.wrap(garbage.bytes().clone()));
        }
    }

    private static void drainToEof(Model model) throws IOException {
        byte[] read = new byte[model.unread.size()];
        int at = 0;
        while (at < read.length) {
            at += model.socket.read(read, at, read.length - at);
        }
        for (int i = 0; i < read.length; i++) {
            assertThat(read[i]).isEqualTo(model.unread.get(i));
        }
        assertThat(model.socket.read(new byte[1], 0, 1)).isEqualTo(-1);
    }

    private static void forget(Model model) {
        model.socket = null;
        model.serverId = null;
        model.unread.clear();
    }

    private static int clientOf(Step step) {
        if (step instanceof Syn s) {
            return s.client();
        } else if (step instanceof PeerData s) {
            return s.client();
        } else if (step instanceof PeerClose s) {
            return s.client();
        } else if (step instanceof AppWrite s) {
            return s.client();
        }
        return ((AppClose) step).client();
    }

    private static String hex(Message message) {
        return HexFormat.of().formatHex(message.toByteArray());
    }
}
