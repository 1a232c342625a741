package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ministreaming.transport.tcp.TcpTransport;

/**
 * The server tunnel under siege: a child JVM runs {@code ministreaming server} in front of a
 * service that answers {@code ping} and never reads from a connection that says {@code stall}.
 * One attack after another (idle links, a trickled frame, connections without data into the
 * stalled service, data flooded into it), each ended by the attacker leaving; during each a new
 * legitimate peer is served, and after it the child's threads and sockets are back near their
 * baseline (Linux: read from /proc). By default at a scale that fits CI (a 64 MiB heap, short
 * deadlines); {@code -Dsiege.scale=full} runs the numbers with every default option and a
 * 256 MiB heap, and prints peak threads and RSS per attack (docs/robustness.md). The same over
 * TLS: {@link TlsSiegeTest}.
 */
@Timeout(600)
class SiegeTest extends SiegeFixture {

    /** The numbers of one run. */
    private record Scale(String heap, List<String> options, int idleLinks, int idleAddresses, int attackers,
            int connectionsEach, int flooders, int floodedEach, int threadSlack) {

        static final Scale CI = new Scale("-Xmx64m",
                List.of("--max-links-per-address", "40", "--frame-timeout", "2", "--link-idle-timeout", "3"), 120, 1, 4, 50, 2, 20, 6);
        static final Scale FULL = new Scale("-Xmx256m", List.of(), 10_000, 200, 4, 1_000, 5, 100, 100);

        static Scale chosen() {
            return "full".equals(System.getProperty("siege.scale")) ? FULL : CI;
        }

        /** Whether the idle links are closed by the server's deadline soon enough to wait for it. */
        boolean shortDeadlines() {
            return !options.isEmpty();
        }
    }

    private final Scale scale = Scale.chosen();

    @Override
    TcpTransport peerTransport() throws IOException {
        return TcpTransport.plain().build();
    }

    @Test
    void theServerSurvivesEachAttackServesALegitimatePeerAndGivesEverythingBack() throws Exception {
        startServer(scale.heap(), "tcp://127.0.0.1:0", scale.options(), scale.threadSlack());

        phase("idle links", this::idleLinksFromOneAddressAreBoundedAndClosed);
        phase("slowloris", () -> aTrickledFrameIsCut(connectedFrom("127.0.0.3")));
        phase("connections without data", () -> connectionsWithoutDataIntoAStalledService(scale.attackers(), scale.connectionsEach()));
        phase("flood into a stalled service", () -> dataFloodedIntoAStalledService(scale.flooders(), scale.floodedEach()));

        assertServes("at the end");
        assertThat(server.isAlive()).as("the server is still running").isTrue();
    }

    /** A socket from {@code localAddress}, connected to the server, closed after the test. */
    private Socket connectedFrom(String localAddress) throws IOException {
        Socket socket = own(new Socket());
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(server.address(), 10_000);
        return socket;
    }

    private void idleLinksFromOneAddressAreBoundedAndClosed() throws Exception {
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < scale.idleLinks(); i++) {
            Socket socket = connectedFrom("127.0.1." + (1 + i % scale.idleAddresses()));
            try {
                socket.getOutputStream().write(SiegedServer.HELLO);
            } catch (IOException refused) {
                // closed already: beyond a bound
            }
            idle.add(socket);
        }
        assertServes("during the idle-link flood");
        server.notePeak();
        if (scale.shortDeadlines()) {
            for (Socket socket : idle) {
                SiegedServer.assertClosedByServer(socket);
            }
        }
        for (Socket socket : idle) {
            socket.close();
        }
        server.assertBackToBaseline("the idle links");
    }
}
