package org.ministreaming.transport.i2cp;

import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.net.Socket;
import java.net.SocketException;
import net.i2p.client.I2PSession;
import net.i2p.client.impl.I2PSessionImpl;

/**
 * Turns Nagle's algorithm off on the session's TCP connection to the router, which I2P's client
 * library leaves on: with it on, a small I2CP message written while the one before is not yet
 * acknowledged by the router's kernel waits for that acknowledgement, which a loopback peer
 * delays by up to 40 ms. The library keeps the socket in a protected field and offers no option
 * for it, so the field is read by reflection; if that fails (another library version, a session
 * over a domain socket), the session works as before and a debug line says so.
 */
final class NoDelay {

    private static final System.Logger LOG = System.getLogger(NoDelay.class.getName());

    private NoDelay() {
    }

    /**
     * Sets {@code TCP_NODELAY} on the socket of {@code session}, if it has one.
     *
     * @return whether it was set
     */
    static boolean set(I2PSession session) {
        try {
            Socket socket = socket(session);
            if (socket == null) {
                return false;
            }
            socket.setTcpNoDelay(true);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | SocketException e) {
            LOG.log(Level.DEBUG, () -> "TCP_NODELAY not set on the I2CP connection: " + e);
            return false;
        }
    }

    /** Whether {@code session} has a TCP connection to the router with {@code TCP_NODELAY} on. */
    static boolean isSet(I2PSession session) throws ReflectiveOperationException, SocketException {
        Socket socket = socket(session);
        return socket != null && socket.getTcpNoDelay();
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
