package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.testing.ThreadLeaks;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.memory.MemoryNetwork;

/** What the manager's calls say of arguments that cannot be right: the argument's name, or what it must be. */
class CallArgumentsTest {

    private final MemoryNetwork network = new MemoryNetwork();
    private StreamManager manager;
    private Destination peer;

    @BeforeEach
    void open() throws IOException {
        manager = StreamManager.open(network.endpoint("alice"));
        peer = MemoryNetwork.destination("bob");
    }

    @AfterEach
    void close() {
        manager.close();
        ThreadLeaks.assertNoneLeft(ThreadLeaks.LIBRARY);
    }

    @Test
    void aMissingPeerIsNamed() {
        assertThatNullPointerException().isThrownBy(() -> manager.connect((Destination) null)).withMessage("peer");
        assertThatNullPointerException().isThrownBy(() -> manager.connect((String) null)).withMessage("uri");
        assertThatNullPointerException().isThrownBy(() -> manager.ping(null, Duration.ofSeconds(1))).withMessage("peer");
    }

    @Test
    void aUriTakesATimeoutAsADestinationDoes() throws IOException {
        StreamManager bob = StreamManager.open(network.endpoint("bob"));
        try {
            StreamServerSocket serverSocket = bob.serverSocket();
            assertThatThrownBy(() -> manager.connect("mem:bob", Duration.ofMillis(200))).as("not accepted meanwhile")
                    .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("no answer from mem:bob within 200 ms");
            assertThatNullPointerException().isThrownBy(() -> manager.connect((String) null, Duration.ofSeconds(1))).withMessage("uri");
            assertThatIllegalArgumentException().isThrownBy(() -> manager.connect("mem:bob", Duration.ZERO));
            serverSocket.close();
        } finally {
            bob.close();
        }
    }

    @Test
    void aPingTimeoutMustBePositiveAsAConnectTimeoutMust() {
        assertThatIllegalArgumentException().isThrownBy(() -> manager.ping(peer, Duration.ZERO))
                .withMessage("ping timeout must be positive: PT0S");
        assertThatIllegalArgumentException().isThrownBy(() -> manager.connect(peer, Duration.ZERO))
                .withMessage("connect timeout must be positive: PT0S");
    }
}
