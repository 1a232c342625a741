package org.ministreaming.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.i2p.I2PException;
import net.i2p.client.I2PClientFactory;
import net.i2p.client.I2PSession;
import net.i2p.client.I2PSessionMuxedListener;
import net.i2p.crypto.SigType;
import net.i2p.data.DataFormatException;
import net.i2p.data.Destination;
import net.i2p.data.PrivateKey;
import net.i2p.data.SigningPrivateKey;
import org.ministreaming.transport.Transport;
import org.ministreaming.transport.memory.MemoryTransport;

/**
 * An {@link I2PSession} of our own over one endpoint of a {@link SimulatedI2p} network, for I2P's
 * streaming library: just what {@code I2PSocketManagerFull} and its connections call (found in
 * the 2.7.0 jars' bytecode): sending a message to a destination, the muxed listener and
 * {@code receiveMessage}, the session's destination and private keys, no offline keys, no
 * subsessions, {@code connect}, {@code isClosed} and {@code destroySession}. Any other method
 * fails with an {@link UnsupportedOperationException} that names it.
 *
 * <p>Each message travels as one in-memory message: a 5-byte header (the protocol, the source and
 * the destination port) and the payload. Messages arrive on the endpoint's delivery thread, which
 * hands them to the listener as a router's session would. A send status listener is never called
 * back: a best-effort send learns nothing on the real network either.
 *
 * <p>Thread-safe.
 */
final class SimulatedI2pSession implements InvocationHandler {

    private static final int HEADER = 5;

    private final MemoryTransport endpoint;
    private final SimulatedI2p network;
    private final Destination destination;
    private final PrivateKey decryptionKey;
    private final SigningPrivateKey signingKey;
    private final I2PSession proxy;
    private final Map<Integer, byte[]> arrived = new ConcurrentHashMap<>();
    private final AtomicInteger nextMessageId = new AtomicInteger();
    private final AtomicLong nextNonce = new AtomicLong();
    private volatile I2PSessionMuxedListener listener;
    private volatile boolean closed;

    private SimulatedI2pSession(MemoryTransport endpoint, SimulatedI2p network, byte[] keys) throws IOException {
        this.endpoint = endpoint;
        this.network = network;
        ByteArrayInputStream in = new ByteArrayInputStream(keys);
        try {
            destination = Destination.create(in);
            decryptionKey = new PrivateKey();
            decryptionKey.readBytes(in);
            signingKey = new SigningPrivateKey(destination.getSigningPublicKey().getType());
            signingKey.readBytes(in);
        } catch (DataFormatException e) {
            throw new IOException("I2P's client library made keys it cannot read: " + e.getMessage(), e);
        }
        proxy = (I2PSession) Proxy.newProxyInstance(I2PSession.class.getClassLoader(), new Class<?>[] {I2PSession.class}, this);
    }

    /** A session with new Ed25519 keys on {@code endpoint}, which it starts. */
    static SimulatedI2pSession open(MemoryTransport endpoint, SimulatedI2p network) throws IOException {
        ByteArrayOutputStream keys = new ByteArrayOutputStream();
        try {
            I2PClientFactory.createClient().createDestination(keys, SigType.EdDSA_SHA512_Ed25519);
        } catch (I2PException e) {
            throw new IOException("I2P's client library made no keys: " + e.getMessage(), e);
        }
        SimulatedI2pSession session = new SimulatedI2pSession(endpoint, network, keys.toByteArray());
        endpoint.start(session.new Arrivals());
        return session;
    }

    /** The session, for I2P's streaming library. */
    I2PSession session() {
        return proxy;
    }

    Destination destination() {
        return destination;
    }

    MemoryTransport endpoint() {
        return endpoint;
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        return switch (method.getName()) {
            case "sendMessage" -> send(method, args);
            case "receiveMessage" -> arrived.remove((Integer) args[0]);
            case "addMuxedSessionListener", "addSessionListener" -> {
                listener = (I2PSessionMuxedListener) args[0];
                yield null;
            }
            case "removeListener", "connect" -> null;
            case "getMyDestination" -> destination;
            case "getPrivateKey" -> signingKey;
            case "getDecryptionKey" -> decryptionKey;
            case "isOffline" -> false;
            case "getOfflineExpiration" -> 0L;
            case "getOfflineSignature", "getTransientSigningPublicKey" -> null;
            case "getSubsessions" -> List.of();
            case "isClosed" -> closed;
            case "destroySession" -> {
                closed = true;
                endpoint.close();
                yield null;
            }
            case "toString" -> "SimulatedI2pSession[" + endpoint.localDestination() + "]";
            case "hashCode" -> System.identityHashCode(self);
            case "equals" -> self == args[0];
            default -> throw new UnsupportedOperationException("the simulated I2PSession does not implement " + method);
        };
    }

    /**
     * Both sending methods that take the protocol and ports: (destination, payload, offset,
     * length, protocol, from port, to port, options[, status listener]); the first returns
     * whether it was sent, the second a message id.
     */
    private Object send(Method method, Object[] args) throws IOException {
        boolean withStatus = method.getReturnType() == long.class;
        if (args.length < 8 || !(args[1] instanceof byte[])) {
            throw new UnsupportedOperationException("the simulated I2PSession does not implement " + method);
        }
        if (closed) {
            return withStatus ? 0L : false;
        }
        byte[] payload = (byte[]) args[1];
        int offset = (Integer) args[2];
        int length = (Integer) args[3];
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        header.put((byte) (int) (Integer) args[4]).putShort((short) (int) (Integer) args[5]).putShort((short) (int) (Integer) args[6]).flip();
        boolean sent;
        try {
            endpoint.send(network.endpointOf((Destination) args[0]), header, ByteBuffer.wrap(payload, offset, length));
            sent = true;
        } catch (IOException e) {
            sent = false;
        }
        if (withStatus) {
            return sent ? nextNonce.incrementAndGet() : 0L;
        }
        return sent;
    }

    /** What arrives at the endpoint, handed to the listener as an I2P session would. */
    private final class Arrivals implements Transport.Receiver {
        @Override
        public void onMessage(org.ministreaming.transport.Destination from, ByteBuffer message) {
            I2PSessionMuxedListener current = listener;
            if (current == null || message.remaining() < HEADER) {
                return;
            }
            int protocol = message.get() & 0xff;
            int fromPort = message.getShort() & 0xffff;
            int toPort = message.getShort() & 0xffff;
            byte[] payload = new byte[message.remaining()];
            message.get(payload);
            int id = nextMessageId.incrementAndGet();
            arrived.put(id, payload);
            current.messageAvailable(proxy, id, payload.length, protocol, fromPort, toPort);
        }

        @Override
        public void onPeerLost(org.ministreaming.transport.Destination peer, IOException cause) {
            // I2P tells a session nothing of the sort; streaming finds out by its timeouts.
        }
    }
}
