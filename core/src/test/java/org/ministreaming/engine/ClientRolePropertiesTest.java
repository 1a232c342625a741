package org.ministreaming.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.ministreaming.Async;
import org.ministreaming.Counter;
import org.ministreaming.MessageListener;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;

/**
 * The client role against a model: after the SYN, any sequence of server messages decides the
 * connect exactly as the protocol says (the first ACK or close for the client id wins), delivers
 * exactly the data that came while established, and closes every ACK for an id nobody uses: an
 * ACK for another client id, a late ACK, and a second ACK for the client id that names another
 * server id (a repeat of the first ACK is ignored). The replies are compared in every case.
 */
class ClientRolePropertiesTest {

    private static final Destination SERVER = Destination.of("mem:server");
    private static final ConnectionId SERVER_ID = new ConnectionId(0x987654);
    private static final ConnectionId OTHER_SERVER_ID = new ConnectionId(0x111111);

    /**
     * A message from the server; {@code ours} says whether it carries the client's id, and for an
     * ACK, {@code otherServer} whether it names {@link #OTHER_SERVER_ID} instead of {@link #SERVER_ID}.
     */
    record Reply(MessageType type, boolean ours, boolean otherServer, int length) {

        ConnectionId serverId() {
            return otherServer ? OTHER_SERVER_ID : SERVER_ID;
        }
    }

    @Provide
    Arbitrary<List<Reply>> replies() {
        Arbitrary<MessageType> type = Arbitraries.of(MessageType.ACK, MessageType.SERVER_DATA, MessageType.SERVER_CLOSE);
        Arbitrary<Boolean> ours = Arbitraries.of(true, true, true, false);
        Arbitrary<Boolean> otherServer = Arbitraries.of(false, false, true);
        Arbitrary<Integer> length = Arbitraries.integers().between(0, 20);
        return Combinators.combine(type, ours, otherServer, length).as(Reply::new).list().ofMaxSize(12);
    }

    @Property(tries = 200)
    void clientFollowsTheModel(@ForAll("replies") List<Reply> replies) throws Exception {
        RecordingTransport transport = new RecordingTransport("mem:client");
        Engine engine = Engine.start(transport,
                new EngineSettings(Duration.ofSeconds(5), 8, 1 << 16, new Random(replies.size())), MessageListener.NONE);
        try {
            CompletableFuture<ClientConnection> connect = Async.run(() -> engine.connect(SERVER, Duration.ofSeconds(10)));
            RecordingTransport.Sent syn = transport.sent.poll(5, TimeUnit.SECONDS);
            assertThat(syn).isNotNull();
            assertThat(syn.bytes()[0] & 0xFF).isEqualTo(0xA1);
            ConnectionId clientId = new ConnectionId(ConnectionId.readRaw(syn.bytes(), 1));
            ConnectionId otherClientId = new ConnectionId(clientId.value() == 1 ? 2 : clientId.value() - 1);

            String state = "SYN_SENT";
            ConnectionId establishedWith = null;
            ByteArrayOutputStream delivered = new ByteArrayOutputStream();
            List<String> expectedReplies = new ArrayList<>();
            Random data = new Random(2);
            for (Reply reply : replies) {
                ConnectionId id = reply.ours() ? clientId : otherClientId;
                byte[] payload = new byte[reply.length()];
                data.nextBytes(payload);
                Message message = switch (reply.type()) {
                    case ACK -> Message.ack(id, reply.serverId());
                    case SERVER_CLOSE -> Message.of(MessageType.SERVER_CLOSE, id, payload.length >= 3 ? new byte[3] : new byte[0]);
                    default -> Message.of(MessageType.SERVER_DATA, id, payload);
                };
                boolean live = state.equals("SYN_SENT") || state.equals("ESTABLISHED");
                boolean repeat = state.equals("ESTABLISHED") && reply.serverId().equals(establishedWith);
                if (reply.type() == MessageType.ACK && (!reply.ours() || !live || (state.equals("ESTABLISHED") && !repeat))) {
                    expectedReplies.add(hex(Message.clientClose(reply.serverId())));
                }
                if (reply.ours()) {
                    if (state.equals("SYN_SENT") && reply.type() == MessageType.ACK) {
                        state = "ESTABLISHED";
                        establishedWith = reply.serverId();
                    } else if (state.equals("SYN_SENT") && reply.type() == MessageType.SERVER_CLOSE) {
                        state = "REFUSED";
                    } else if (state.equals("ESTABLISHED") && reply.type() == MessageType.SERVER_CLOSE) {
                        state = "CLOSED";
                    } else if (state.equals("ESTABLISHED") && reply.type() == MessageType.SERVER_DATA) {
                        delivered.write(payload);
                    }
                }
                engine.onMessage(SERVER, ByteBuffer.wrap(message.toByteArray()));
            }
            List<String> sent = new ArrayList<>();
            RecordingTransport.Sent message;
            while ((message = transport.sent.poll()) != null) {
                sent.add(hex(message.bytes()));
            }
            assertThat(sent).isEqualTo(expectedReplies);
            assertThat(engine.count(Counter.INTERNAL_ERROR)).isZero();

            if (state.equals("SYN_SENT")) {
                engine.close();
                assertThat(catchCause(connect)).isInstanceOf(java.io.IOException.class);
            } else if (state.equals("REFUSED")) {
                assertThat(catchCause(connect)).isInstanceOf(ConnectException.class);
            } else {
                ClientConnection connection = connect.get(5, TimeUnit.SECONDS);
                assertThat(connection.remoteId()).isEqualTo(establishedWith);
                byte[] expected = delivered.toByteArray();
                byte[] read = new byte[expected.length];
                int at = 0;
                while (at < read.length) {
                    at += connection.read(read, at, read.length - at);
                }
                assertThat(read).isEqualTo(expected);
                assertThat(connection.available()).isZero();
                assertThat(connection.isClosed()).isEqualTo(state.equals("CLOSED"));
            }
            assertThat(transport.sent).as("nothing sent while the outcome was read").isEmpty();
        } finally {
            engine.close();
        }
    }

    private static Throwable catchCause(CompletableFuture<?> future) throws Exception {
        try {
            future.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("connect should have failed");
    }

    private static String hex(Message message) {
        return hex(message.toByteArray());
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
