package org.ministreaming.transport.i2cp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.net.Socket;
import java.net.SocketException;
import jdk.net.ExtendedSocketOptions;
import net.i2p.client.I2PSession;
import net.i2p.client.impl.I2PSessionImpl;

/**
 * The session's TCP connection to the router, set up so that small messages cross it at once in
 * both directions.
 *
 * <ul>
 *   <li><b>Towards the router</b>, {@code TCP_NODELAY}: I2P's client library leaves Nagle's
 *       algorithm on, so a small message written while the one before is not yet acknowledged by
 *       the router's kernel would wait for that acknowledgement.</li>
 *   <li><b>From the router</b>, an immediate TCP acknowledgement of what arrived
 *       ({@code TCP_QUICKACK}, set again after each message, since Linux clears it): the router
 *       leaves Nagle's algorithm on for its side, so when it passes two small messages to us in a
 *       row (a connection's ACK and then its first data, a pure acknowledgement and then an
 *       answer), the second waits until our kernel acknowledges the first, which a kernel that
 *       delays its acknowledgements holds for up to 40 ms.</li>
 * </ul>
 *
 * The library keeps the socket in a protected field and offers no option for it, so the field is
 * read by reflection; if that fails (another library version, a session over a domain socket), or
 * the platform has no {@code TCP_QUICKACK} (it is Linux's), the session works as before and a
 * debug line says so.
 *
 * <p>Thread-safe.
 */
final class RouterSocket {

    /** No socket to tune: a session not open yet, or one whose socket could not be found. */
    static final RouterSocket NONE = new RouterSocket(null, false, false);

    private static final System.Logger LOG = System.getLogger(RouterSocket.class.getName());

    private final Socket socket;
    private final boolean noDelay;
    private final boolean quickAck;

    private RouterSocket(Socket socket, boolean noDelay, boolean quickAck) {
        this.socket = socket;
        this.noDelay = noDelay;
        this.quickAck = quickAck;
    }

    /** Finds the socket of {@code session} and turns Nagle's algorithm off on it. */
    static RouterSocket of(I2PSession session) {
        Socket socket;
        try {
            socket = socket(session);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "the I2CP connection's socket was not found, so it is left as the library made it: " + e);
            return NONE;
        }
        if (socket == null) {
            return NONE;
        }
        return new RouterSocket(socket, setNoDelay(socket), socket.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK));
    }

    /** Has the kernel acknowledge at once what arrived from the router; called after each message received. */
    void acknowledgeReceived() {
        if (!quickAck) {
            return;
        }
        try {
            socket.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "TCP_QUICKACK not set on the I2CP connection: " + e);
        }
    }

    /** Whether {@code TCP_NODELAY} was set. */
    boolean noDelay() {
        return noDelay;
    }

    /** Whether what arrives is acknowledged at once ({@code TCP_QUICKACK} is available and used). */
    boolean quickAck() {
        return quickAck;
    }

    private static boolean setNoDelay(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
            return true;
        } catch (SocketException e) {
            LOG.log(Level.DEBUG, () -> "TCP_NODELAY not set on the I2CP connection: " + e);
            return false;
        }
    }

    private static Socket socket(I2PSession session) throws ReflectiveOperationException {
        if (!(session instanceof I2PSessionImpl)) {
            return null;
        }
        Field field = I2PSessionImpl.class.getDeclaredField("_socket");
        field.setAccessible(true);
        return field.get(session) instanceof Socket socket ? socket : null;
    }
}
