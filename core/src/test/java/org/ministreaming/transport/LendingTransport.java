package org.ministreaming.transport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A transport that lends every message it receives to the receiver above through a
 * {@link Lender}, which scribbles over each loan's memory once it is given back, instead of handing
 * it over. Thread-safe.
 */
public final class LendingTransport extends ForwardingTransport {

    private final Lender lender = new Lender();

    /** Lends what {@code inner} receives; owns {@code inner} from now on. */
    public LendingTransport(Transport inner) {
        super(inner);
    }

    /** The lender, to count its loans. */
    public Lender lender() {
        return lender;
    }

    @Override
    public void start(Receiver above) throws IOException {
        inner.start(new Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                lender.lend(above, from, message);
            }

            @Override
            public boolean onUnattributed(ByteBuffer message) {
                return above.onUnattributed(message);
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
                above.onPeerLost(peer, cause);
            }
        });
    }
}
