package org.ministreaming.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.ministreaming.ConnectionRefusedException;
import org.ministreaming.MessageListener;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.Message;

/**
 * The answer of a connect that does not wait ({@link Engine#connectAsync}) against a model: after
 * its SYN, any sequence of the server's ACKs and closes for its client id, the caller giving up,
 * a lost peer and the engine's close, in any order, gives exactly one answer, decided by the first
 * of them that ends the wait (an ACK: the connection; a close: a refusal; giving up: the reason
 * given; a lost peer or the engine's close: their failure), and never another.
 */
class ConnectAnswerPropertiesTest {

    private static final Destination SERVER = Destination.of("mem:server");

    /** What happens to the connect, in turn. */
    enum Event { ACK, CLOSE, GIVE_UP, PEER_LOST, ENGINE_CLOSED }

    /** One answer as the callback got it. */
    record Answer(ClientConnection connection, IOException failure) {
    }

    @Provide
    Arbitrary<List<Event>> events() {
        return Arbitraries.of(Event.class).list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 150)
    void theFirstEventThatEndsTheWaitIsTheOnlyAnswer(@ForAll("events") List<Event> events) throws Exception {
        RecordingTransport transport = new RecordingTransport("mem:client");
        Engine engine = Engine.start(transport, new EngineSettings(Duration.ofSeconds(5), 8, 1 << 16, new Random(events.size())),
                MessageListener.NONE);
        List<Answer> answers = new CopyOnWriteArrayList<>();
        try {
            ClientConnection connection = engine.connectAsync(SERVER, Duration.ofMinutes(1),
                    (established, failure) -> answers.add(new Answer(established, failure)));
            RecordingTransport.Sent syn = transport.sent.poll(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(syn).as("the SYN, sent by an opener since this transport takes none at once").isNotNull();
            ConnectionId clientId = new ConnectionId(ConnectionId.readRaw(syn.bytes(), 1));
            IOException givenUp = new SocketException("given up");

            Event decisive = null;
            for (Event event : events) {
                switch (event) {
                    case ACK -> engine.onMessage(SERVER, ByteBuffer.wrap(Message.ack(clientId, new ConnectionId(0x123456)).toByteArray()));
                    case CLOSE -> engine.onMessage(SERVER, ByteBuffer.wrap(Message.serverClose(clientId).toByteArray()));
                    case GIVE_UP -> connection.giveUp(givenUp);
                    case PEER_LOST -> engine.onPeerLost(SERVER, new IOException("the link broke"));
                    case ENGINE_CLOSED -> engine.close();
                }
                if (decisive == null) {
                    decisive = event;
                }
                assertThat(answers).as("answers after %s", event).hasSize(1);
            }

            Answer answer = answers.get(0);
            switch (decisive) {
                case ACK -> assertThat(answer.connection()).isSameAs(connection);
                case CLOSE -> assertThat(answer.failure()).isInstanceOf(ConnectionRefusedException.class);
                case GIVE_UP -> assertThat(answer.failure()).isSameAs(givenUp);
                case PEER_LOST -> assertThat(answer.failure()).hasMessageContaining("the link broke");
                case ENGINE_CLOSED -> assertThat(answer.failure()).isInstanceOf(SocketException.class)
                        .hasMessage("the manager was closed");
            }
            assertThat(answer.connection() == null).isEqualTo(answer.failure() != null);
        } finally {
            engine.close();
        }
        assertThat(answers).as("answers once the engine closed too").hasSize(1);
    }
}
