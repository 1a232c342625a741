package org.ministreaming.transport.i2cp;

import java.io.IOException;

/** Why an envelope was dropped: the counter it goes to, and a message saying what was wrong. */
final class RefusedEnvelope extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient EnvelopeCounter reason;

    RefusedEnvelope(EnvelopeCounter reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** The counter the envelope goes to. */
    EnvelopeCounter reason() {
        return reason;
    }
}
