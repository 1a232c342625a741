package org.ministreaming.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import org.ministreaming.ConnectionResetException;
import org.ministreaming.PeerLostException;
import org.ministreaming.ReceiveLimitException;
import org.ministreaming.transport.Destination;

/**
 * Rethrowing a connection's failure. A connection keeps the {@link IOException} it failed with;
 * every later read, write or connect throws a fresh exception of the same type and message, with
 * the stored failure as its cause, so that each caller gets its own stack trace and can still
 * reach the original one (and the transport's exception behind it). Also the reason a failure
 * gives in a message ({@link #reason}). Stateless and thread-safe.
 */
final class Failures {

    private Failures() {
    }

    /**
     * The failure a connection keeps when its peer closes it. A close is an event, not a defect,
     * and most connections that meet one never throw it, so the kept cause fills in no stack trace
     * (one per close, on the receive path); each caller that meets it gets a fresh
     * {@link ConnectionResetException} with its own ({@link #again}).
     */
    static ConnectionResetException closedByPeer(Destination peer) {
        return new ClosedByPeer("connection closed by peer " + peer);
    }

    /** {@link #closedByPeer}'s kind: named, as a cause shows its class in a stack trace. */
    private static final class ClosedByPeer extends ConnectionResetException {
        private static final long serialVersionUID = 1L;

        ClosedByPeer(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * The cause kept when a reader's own socket closes, made once for all readers, without a
     * stack trace: each reader that meets it gets a fresh {@link SocketException} with its own
     * ({@link #again}).
     */
    static final class ClosedLocally extends SocketException {
        private static final long serialVersionUID = 1L;

        ClosedLocally() {
            super("Socket closed");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * Why {@code problem} happened, for a message, never {@code null}: its message, else that of
     * its first cause that has one, else its type's name ({@code EOFException} has no message).
     */
    static String reason(Throwable problem) {
        for (Throwable t = problem; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return problem.getClass().getSimpleName();
    }

    /** The failure of every connection to {@code peer} when the transport lost it, caused by the transport's {@code cause}. */
    static PeerLostException lostLink(Destination peer, IOException cause) {
        return new PeerLostException("lost the link to " + peer + ": " + reason(cause), cause);
    }

    /**
     * What {@code connect} throws when the transport could not send the SYN: the transport's own
     * exception if it could not reach the peer ({@link ConnectException}) or the wait for it was
     * interrupted or timed out ({@link InterruptedIOException}); a {@link SocketException} if the
     * engine was closed meanwhile; otherwise the way to the peer failed as the SYN went out, which
     * is the event of a link lost before the peer answered and is told as that is ({@link #lostLink}),
     * whichever of the two the transport saw first.
     */
    static IOException synNotSent(Destination peer, IOException failure, boolean engineClosed) {
        if (failure instanceof ConnectException || failure instanceof InterruptedIOException) {
            return failure;
        }
        if (engineClosed) {
            SocketException closed = new SocketException("the manager was closed");
            closed.initCause(failure);
            return closed;
        }
        return lostLink(peer, failure);
    }

    /** A fresh exception of {@code failure}'s type and message, caused by it. */
    static IOException again(IOException failure) {
        String message = failure.getMessage();
        IOException copy;
        if (failure instanceof PeerLostException) {
            copy = new PeerLostException(message, failure);
        } else if (failure instanceof ReceiveLimitException) {
            copy = new ReceiveLimitException(message, failure);
        } else if (failure instanceof ConnectionResetException) {
            copy = new ConnectionResetException(message, failure);
        } else if (failure instanceof SocketException) {
            copy = new SocketException(message);
            copy.initCause(failure);
        } else {
            copy = new IOException(message, failure);
        }
        return copy;
    }
}
