package org.ministreaming;

import java.io.IOException;

/**
 * The peer is gone, and with it every connection to it: the transport lost it (a cut link, the
 * reliable layer's retry limit, a lost I2P router; the cause is the transport's own exception),
 * or nothing was heard from it within the idle timeout (no cause). Reads drain what had arrived,
 * then throw it; writes throw it. Immutable and thread-safe.
 */
public class PeerLostException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message which peer, and why it counts as lost
     * @param cause what the transport reported, or {@code null}
     */
    public PeerLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
