package org.ministreaming.transport.tcp;

import java.io.IOException;

/**
 * A peer broke the rules of a link: a frame length out of range, a frame cut short, a missing
 * or wrong hello, or no reading while it keeps provoking replies. It ends that one link, and is
 * logged as a warning.
 *
 * <p>Immutable once thrown; thread-safe.
 */
final class BadPeerException extends IOException {

    private static final long serialVersionUID = 1L;

    BadPeerException(String message) {
        super(message);
    }
}
