package org.ministreaming.net;

import java.net.SocketAddress;
import java.util.Objects;
import org.ministreaming.transport.Destination;

/**
 * A {@link SocketAddress} that names a ministreaming destination, such as {@code mem:bob},
 * {@code tcp://host:port} or {@code i2p:...}: what the sockets of this package report as their
 * local and remote addresses, and what {@link SocketAdapter#connect(SocketAddress)} accepts
 * besides host names mapped by a {@link DestinationSocketFactory}.
 *
 * <p>Immutable and thread-safe. Two addresses are equal when their destinations are.
 */
public final class DestinationAddress extends SocketAddress {

    private static final long serialVersionUID = 1L;

    /** The destination's URI: a string, so that the address stays serializable. */
    private final String uri;

    /** The address of {@code destination}. */
    public DestinationAddress(Destination destination) {
        this.uri = Objects.requireNonNull(destination, "destination").uri();
    }

    /** The destination this address names. */
    public Destination destination() {
        return Destination.of(uri);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DestinationAddress that && uri.equals(that.uri);
    }

    @Override
    public int hashCode() {
        return uri.hashCode();
    }

    /** The destination's URI. */
    @Override
    public String toString() {
        return uri;
    }
}
