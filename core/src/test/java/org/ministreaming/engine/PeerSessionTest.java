package org.ministreaming.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.Counter;
import org.ministreaming.Limits;
import org.ministreaming.MessageListener;
import org.ministreaming.PeerLostException;
import org.ministreaming.Role;
import org.ministreaming.testing.Await;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.ForwardingTransport;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.MemoryNetwork;

/** One session per peer: it is forgotten after the grace period, and it fails only its own connections. */
@Timeout(120)
class PeerSessionTest {

    private static final Duration WAIT = Await.LIMIT;

    private final MemoryNetwork network = new MemoryNetwork();
    private final List<Engine> engines = new ArrayList<>();

    @AfterEach
    void stop() {
        engines.forEach(Engine::close);
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    private Engine engine(Transport transport, Duration grace) throws IOException {
        // SYNs without a rate limit, so that the stress test's hundreds of connects all get through.
        EngineSettings settings = new EngineSettings(Duration.ofSeconds(30), 64, 1 << 16, Integer.MAX_VALUE, Long.MAX_VALUE,
                new Random(engines.size()), true, Duration.ZERO, grace, new Limits(8192, 1024, 1_000_000, 32772));
        Engine engine = Engine.start(transport, settings, MessageListener.NONE);
        engines.add(engine);
        return engine;
    }

    /** Both ends of a connection from {@code client} to {@code server}: connect waits for the accept, so it runs apart. */
    private record Pair(ClientConnection client, ServerConnection server) {
    }

    private static Pair open(Engine client, Engine server, Acceptor acceptor) throws Exception {
        ExecutorService connecting = Executors.newSingleThreadExecutor();
        try {
            Future<ClientConnection> connected = connecting.submit(() -> client.connect(server.localDestination(), WAIT));
            ServerConnection accepted = acceptor.accept(WAIT.toMillis());
            return new Pair(connected.get(WAIT.toSeconds(), TimeUnit.SECONDS), accepted);
        } finally {
            connecting.shutdownNow();
            assertThat(connecting.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aPeerWithoutConnectionsIsForgottenAfterTheGracePeriodAndTheTransportIsTold() throws Exception {
        Forgetful bobTransport = new Forgetful(network.endpoint("bob"));
        Engine bob = engine(bobTransport, Duration.ofMillis(200));
        Engine alice = engine(network.endpoint("alice"), Duration.ofMinutes(5));
        Acceptor acceptor = bob.acceptor();
        Pair pair = open(alice, bob, acceptor);
        ClientConnection client = pair.client();
        ServerConnection served = pair.server();
        assertThat(bob.session(alice.localDestination())).isNotNull();

        assertThat(bobTransport.forgotten.poll(600, TimeUnit.MILLISECONDS)).as("forgotten while a connection is open").isNull();
        served.close();

        assertThat(bobTransport.forgotten.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(alice.localDestination());
        // The transport is told inside the atomic step that drops the session, so the session
        // leaves the map just after.
        Await.until("bob's session with alice is gone", () -> bob.session(alice.localDestination()) == null);
        assertThat(client.read(new byte[1], 0, 1)).as("alice saw the close").isEqualTo(-1);
        assertThat(alice.session(bob.localDestination())).as("alice's grace is five minutes").isNotNull();
    }

    @Test
    void aPeerThatComesBackAfterBeingForgottenGetsAFreshSession() throws Exception {
        Forgetful bobTransport = new Forgetful(network.endpoint("bob"));
        Engine bob = engine(bobTransport, Duration.ofMillis(50));
        Engine alice = engine(network.endpoint("alice"), Duration.ofMinutes(5));
        Acceptor acceptor = bob.acceptor();
        open(alice, bob, acceptor).client().close();
        assertThat(bobTransport.forgotten.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(alice.localDestination());

        Pair pair = open(alice, bob, acceptor);
        ClientConnection again = pair.client();
        ServerConnection served = pair.server();
        again.write(new byte[] {42}, 0, 1);

        byte[] read = new byte[1];
        assertThat(served.read(read, 0, 1)).isEqualTo(1);
        assertThat(read[0]).isEqualTo((byte) 42);
        assertThat(bob.session(alice.localDestination()).connectionCount()).isEqualTo(1);
    }

    @Test
    void aPeerMetAgainStartsFromTheRoundTripItsForgottenSessionMeasured() throws Exception {
        Forgetful bobTransport = new Forgetful(network.endpoint("bob"));
        Engine bob = engine(bobTransport, Duration.ofMillis(50));
        Destination alice = MemoryNetwork.destination("alice");
        long roundTrip = TimeUnit.MILLISECONDS.toNanos(40);
        bob.sessions().getOrMake(alice).measured(roundTrip, System.nanoTime());
        assertThat(bobTransport.forgotten.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(alice);
        Await.until("bob's session with alice is gone", () -> bob.session(alice) == null);

        PeerSession again = bob.sessions().getOrMake(alice);

        assertThat(again.roundTripNanos()).isEqualTo(roundTrip);
        assertThat(again.probeDue(System.nanoTime())).as("measured anew at the next grant").isTrue();
        assertThat(bob.sessions().getOrMake(MemoryNetwork.destination("carol")).roundTripNanos()).as("a peer never met").isZero();
    }

    @Test
    void theRoundTripsOfOnlyTheLastForgottenSessionsAreKept() throws Exception {
        Engine bob = engine(network.endpoint("bob"), Duration.ofMillis(20));
        int peers = PeerSessions.REMEMBERED + 1;
        for (int i = 0; i < peers; i++) {
            bob.sessions().getOrMake(MemoryNetwork.destination("peer-" + i)).measured(TimeUnit.MILLISECONDS.toNanos(1 + i), System.nanoTime());
            if (i == 0) {
                Await.until("the first peer forgotten", () -> bob.session(MemoryNetwork.destination("peer-0")) == null);
            }
        }

        Await.until("every session forgotten", () -> bob.sessions().all().isEmpty());

        assertThat(bob.sessions().rememberedRoundTrip(MemoryNetwork.destination("peer-0"))).as("forgotten first, dropped").isZero();
        assertThat(bob.sessions().rememberedRoundTrip(MemoryNetwork.destination("peer-" + (peers - 1))))
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(peers));
    }

    @Test
    void aRetiredSessionTakesNoConnectionAndRegisteringMakesItsSuccessor() throws Exception {
        Engine bob = engine(network.endpoint("bob"), Duration.ofMinutes(5));
        Destination alice = MemoryNetwork.destination("alice");
        PeerSession first = bob.sessions().getOrMake(alice);
        ClientConnection early = new ClientConnection(bob, alice, new org.ministreaming.wire.ConnectionId(0x123456), 0, null);

        assertThat(first.retireIfUnused(System.nanoTime(), 1)).as("empty for longer than 1 ns").isTrue();
        assertThat(first.add(early)).isEqualTo(PeerSession.Added.RETIRED);
        assertThat(first.connectionCount()).isZero();

        ClientConnection registered = bob.sessions().register(alice, Role.CLIENT, id -> new ClientConnection(bob, alice, id, 0, null));

        assertThat(bob.session(alice)).isNotSameAs(first);
        assertThat(bob.session(alice).find(Role.CLIENT, registered.localId())).isSameAs(registered);
    }

    @Test
    void aPeersFailureReachesOnlyThatPeersConnections() throws Exception {
        Engine bob = engine(network.endpoint("bob"), Duration.ofMinutes(5));
        Engine alice = engine(network.endpoint("alice"), Duration.ofMinutes(5));
        Engine carol = engine(network.endpoint("carol"), Duration.ofMinutes(5));
        Acceptor acceptor = bob.acceptor();
        List<ServerConnection> fromAlice = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fromAlice.add(open(alice, bob, acceptor).server());
        }
        ServerConnection fromCarol = open(carol, bob, acceptor).server();
        IOException cause = new IOException("the link broke");

        bob.onPeerLost(alice.localDestination(), cause);

        for (ServerConnection connection : fromAlice) {
            assertThat(connection.isClosed()).isTrue();
            assertThat(connection.failure()).isInstanceOf(PeerLostException.class).hasCause(cause);
        }
        assertThat(fromCarol.isClosed()).isFalse();
        assertThat(fromCarol.failure()).isNull();
        assertThat(bob.session(alice.localDestination()).connectionCount()).isZero();
        assertThat(bob.session(carol.localDestination()).connectionCount()).isEqualTo(1);
        assertThat(bob.connectionCount()).isEqualTo(1);
    }

    @Test
    void sessionsForgottenWhileTheSamePeerKeepsOpeningConnectionsLoseNone() throws Exception {
        Forgetful bobTransport = new Forgetful(network.endpoint("bob"));
        Engine bob = engine(bobTransport, Duration.ofMillis(1));
        Engine alice = engine(network.endpoint("alice"), Duration.ofMillis(1));
        Acceptor acceptor = bob.acceptor();
        Thread echo = new Thread(() -> echoUntilClosed(acceptor), "test-echo");
        echo.start();
        int threads = 2;
        int rounds = 200;
        ExecutorService clients = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                done.add(clients.submit(() -> {
                    Random pauses = new Random(seed);
                    for (int round = 0; round < rounds; round++) {
                        // Pauses around the 1 ms grace, so that bob's check often retires alice's
                        // session just as her next SYN arrives: the race under test.
                        LockSupport.parkNanos(pauses.nextInt(2_000_000));
                        ClientConnection connection = alice.connect(bob.localDestination(), WAIT);
                        connection.setReadTimeoutMillis(WAIT.toMillis());
                        byte sent = (byte) (seed * rounds + round);
                        connection.write(new byte[] {sent}, 0, 1);
                        byte[] back = new byte[1];
                        assertThat(connection.read(back, 0, 1)).isEqualTo(1);
                        assertThat(back[0]).isEqualTo(sent);
                        connection.close();
                    }
                    return rounds;
                }));
            }
            for (Future<Integer> finished : done) {
                assertThat(finished.get(WAIT.toSeconds() * 2, TimeUnit.SECONDS)).isEqualTo(rounds);
            }
        } finally {
            clients.shutdownNow();
            assertThat(clients.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
        Await.until("bob forgets alice once her connections are closed", () -> bob.session(alice.localDestination()) == null);
        assertThat(bobTransport.forgotten).contains(alice.localDestination());
        System.out.printf("%d connections; bob forgot alice %d times while they came and went%n",
                threads * rounds, bobTransport.forgotten.size());
        assertThat(bobTransport.forgotten.size()).as("times the session was forgotten between connections").isGreaterThan(1);
        assertThat(bob.connectionCount()).isZero();
        assertThat(bob.count(Counter.INTERNAL_ERROR)).isZero();
        assertThat(bob.count(Counter.UNKNOWN_CONNECTION)).as("a message found no connection").isZero();
        bob.close();
        echo.join(WAIT.toMillis());
        assertThat(echo.isAlive()).isFalse();
    }

    /** Accepts connections and sends each one's first byte back, until the engine closes. */
    private static void echoUntilClosed(Acceptor acceptor) {
        while (true) {
            ServerConnection connection;
            try {
                connection = acceptor.accept(0);
            } catch (IOException closed) {
                return;
            }
            try {
                connection.setReadTimeoutMillis(WAIT.toMillis());
                byte[] one = new byte[1];
                if (connection.read(one, 0, 1) == 1) {
                    connection.write(one, 0, 1);
                }
            } catch (IOException e) {
                // The client gave up or the engine closed: the client's own assertions report it.
            }
        }
    }

    /** A transport that records which peers the engine told it to forget. */
    private static final class Forgetful extends ForwardingTransport {
        final BlockingQueue<Destination> forgotten = new LinkedBlockingQueue<>();

        Forgetful(Transport inner) {
            super(inner);
        }

        @Override
        public void forget(Destination peer) {
            forgotten.add(peer);
        }
    }
}
