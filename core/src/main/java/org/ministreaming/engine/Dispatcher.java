package org.ministreaming.engine;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.ministreaming.Counter;
import org.ministreaming.ReceiveLimitException;
import org.ministreaming.Role;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.Chaff;
import org.ministreaming.wire.Codec;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.CreditExtension;
import org.ministreaming.wire.Direction;
import org.ministreaming.wire.MalformedMessageException;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;
import org.ministreaming.wire.Packet;

/**
 * The receive path of an {@link Engine}: decodes each inbound message, finds the peer's
 * {@link PeerSession} and in it the connection, and hands the message over; SYNs go to the
 * backlog, ACKs to the waiting client connection. Replies it produces go out by
 * {@link Engine#reply}.
 *
 * <p>Runs on the transport's threads, one message at a time per peer, and never blocks (see the
 * threading contract on {@link Engine}). Thread-safe: it keeps no state of its own.
 */
final class Dispatcher {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final Engine engine;
    private final EngineSettings settings;
    private final Counters counters;
    private final Admission admission;
    /** Whether a listener sees the messages, which may keep what it sees: lent ones are then copied. */
    private final boolean listening;
    /**
     * Connections given data in a run of messages whose readers are not woken yet: they are at
     * the run's end ({@link #onMessage(Destination, ByteBuffer, Runnable, boolean)}). Guarded by itself.
     */
    private final List<Connection> unwoken = new ArrayList<>();
    /** Whether {@link #unwoken} may hold any, to look without its lock. */
    private volatile boolean holding;

    Dispatcher(Engine engine, EngineSettings settings, Counters counters, Admission admission, boolean listening) {
        this.engine = engine;
        this.settings = settings;
        this.counters = counters;
        this.admission = admission;
        this.listening = listening;
    }

    /**
     * Whether a lent message may stay lent: it is data, which a receive buffer may keep without a
     * copy, and no listener sees it (a listener may keep what it sees). Anything else is copied
     * before it is handled.
     */
    boolean keepsLent(ByteBuffer bytes) {
        if (listening || !bytes.hasRemaining()) {
            return false;
        }
        MessageType type = MessageType.fromCode(bytes.get(bytes.position()));
        return type == MessageType.CLIENT_DATA || type == MessageType.SERVER_DATA;
    }

    /**
     * One inbound message, lent when {@code giveBack} is not {@code null} (then it is one that
     * {@link #keepsLent}): see {@link org.ministreaming.transport.Transport.Receiver#onLentMessage}.
     * The loan is given back before this returns unless a receive buffer took the payload. With
     * {@code more}, another message from the same peer follows at once: a reader this one gives
     * data to is woken at the end of the run, when a message comes without it.
     */
    void onMessage(Destination from, ByteBuffer bytes, Runnable giveBack, boolean more) {
        try {
            handle(from, bytes, giveBack, more);
        } finally {
            if (!more) {
                wakeHeld();
            }
        }
    }

    private void handle(Destination from, ByteBuffer bytes, Runnable giveBack, boolean more) {
        counters.increment(Counter.MESSAGES_RECEIVED);
        boolean kept = false;
        try {
            Packet packet;
            try {
                packet = Codec.decode(bytes);
            } catch (MalformedMessageException e) {
                malformed(from, bytes, e);
                return;
            }
            engine.notify(listener -> listener.received(from, packet));
            if (bytes.remaining() > settings.limits().maxMessageSize()) {
                oversize(from, packet);
                return;
            }
            if (packet instanceof Chaff) {
                counters.increment(Counter.CHAFF);
                return;
            }
            kept = dispatch(from, (Message) packet, giveBack, more);
        } catch (RuntimeException e) {
            counters.increment(Counter.INTERNAL_ERROR);
            LOG.log(Level.WARNING, "engine defect while handling a message from " + from, e);
        } finally {
            if (!kept && giveBack != null) {
                giveBack.run();
            }
        }
    }

    /** {@code connection}'s reader is to be woken at the end of the run. */
    private void holdWake(Connection connection) {
        synchronized (unwoken) {
            if (!unwoken.contains(connection)) {
                unwoken.add(connection);
            }
            holding = true;
        }
    }

    /** Wakes the readers held back, if any, with no lock held. */
    private void wakeHeld() {
        if (!holding) {
            return;
        }
        Connection[] waking;
        synchronized (unwoken) {
            waking = unwoken.toArray(new Connection[0]);
            unwoken.clear();
            holding = false;
        }
        for (Connection connection : waking) {
            connection.wakeReader();
        }
    }

    /** The transport lost {@code peer}: every connection with it fails, keeping the cause. */
    void onPeerLost(Destination peer, IOException cause) {
        wakeHeld(); // the run ends here
        counters.increment(Counter.PEERS_LOST);
        PeerSession session = engine.session(peer);
        if (session != null) {
            session.fail(Failures.lostLink(peer, cause), false);
        }
    }

    /** @return whether a receive buffer took a data message's payload, and {@code giveBack} with it */
    private boolean dispatch(Destination from, Message message, Runnable giveBack, boolean more) {
        switch (message.type()) {
            case SYN -> onSyn(from, message);
            case ACK -> onAck(from, message);
            case CLIENT_DATA, SERVER_DATA -> {
                Connection connection = find(from, message);
                if (connection == null) {
                    return false;
                }
                if (more) {
                    holdWake(connection);
                }
                return connection.onData(message, giveBack, !more);
            }
            case CLIENT_CREDIT, SERVER_CREDIT -> {
                Connection connection = find(from, message);
                if (connection != null) {
                    connection.onCredit(message);
                }
            }
            case PING -> {
                counters.increment(Counter.PINGS_ANSWERED);
                engine.reply(from, Message.pong(message));
            }
            case PONG -> engine.liveness().onPong(from, message);
            case CLIENT_CLOSE -> {
                Connection connection = find(from, message);
                if (connection != null) {
                    connection.onRemoteClose(message);
                }
            }
            case SERVER_CLOSE -> {
                Connection connection = find(from, message);
                if (connection != null) {
                    ((ClientConnection) connection).onServerClose(message);
                }
            }
            default -> throw new IllegalStateException("no handler for " + message.type());
        }
        return false;
    }

    /** The connection a {@code 5x} (client role) or {@code Ax} (server role) message is for. */
    private Connection find(Destination from, Message message) {
        Role role = message.type().direction() == Direction.SERVER_TO_CLIENT ? Role.CLIENT : Role.SERVER;
        PeerSession session = engine.session(from);
        Connection connection = session == null ? null : session.find(role, message.id());
        if (connection == null) {
            counters.increment(Counter.UNKNOWN_CONNECTION);
            LOG.log(Level.DEBUG, () -> "dropped, no " + role + " connection " + message.id() + " with " + from + ": " + message);
        } else {
            connection.heard();
        }
        return connection;
    }

    private void onSyn(Destination from, Message syn) {
        ConnectionId clientId = syn.id();
        PeerSession known = engine.session(from);
        ServerConnection existing = known == null ? null : known.bySyn(clientId);
        if (existing != null) {
            counters.increment(Counter.DUPLICATE_SYN);
            Message ack = existing.repeatAck();
            LOG.log(Level.DEBUG, () -> "repeated SYN " + clientId + " from " + from + (ack != null ? ", ACK sent again" : ", still waiting for accept"));
            if (ack != null) {
                engine.reply(from, ack);
            }
            return;
        }
        Acceptor backlog = engine.openAcceptor();
        if (backlog == null) {
            refuse(from, clientId, "no server socket is open");
            return;
        }
        if (admission.admitSyn(engine.sessions().getOrMake(from), engine.connectionCount()) != null) {
            engine.reply(from, Message.serverClose(clientId));
            return;
        }
        int clientWindow = settings.creditExtension() ? CreditExtension.offeredWindow(syn).orElse(0) : 0;
        ServerConnection connection;
        try {
            connection = engine.sessions().register(from, Role.SERVER,
                    id -> new ServerConnection(engine, from, id, clientId, settings.receiveBufferSize(), clientWindow));
        } catch (IOException e) {
            refuse(from, clientId, e.getMessage());
            return;
        }
        Acceptor.Offer offer = backlog.offer(connection);
        if (offer != Acceptor.Offer.QUEUED) {
            if (offer == Acceptor.Offer.PEER_SHARE) {
                admission.refuse(from, Counter.REFUSED_PEER_BACKLOG, backlog.peerShare() + " connections waiting for accept per peer");
            } else {
                counters.increment(Counter.SYN_REFUSED);
                LOG.log(Level.INFO, "refused SYN " + clientId + " from " + from + ": the accept backlog ("
                        + settings.acceptBacklog() + ") is full or closed");
            }
            connection.fail(new IOException("refused: the accept backlog is full or closed"), true);
            return;
        }
        engine.startAcceptTimer(backlog);
    }

    private void refuse(Destination from, ConnectionId clientId, String why) {
        counters.increment(Counter.SYN_REFUSED);
        LOG.log(Level.DEBUG, () -> "refused SYN " + clientId + " from " + from + ": " + why);
        engine.reply(from, Message.serverClose(clientId));
    }

    private void onAck(Destination from, Message ack) {
        ConnectionId serverId = ack.ackedServerId();
        PeerSession session = engine.session(from);
        Connection connection = session == null ? null : session.find(Role.CLIENT, ack.id());
        if (connection == null) {
            counters.increment(Counter.LATE_ACK);
            LOG.log(Level.DEBUG, () -> "ACK for " + ack.id() + " from " + from + " with no such connection; closing server id " + serverId);
            engine.reply(from, Message.clientClose(serverId));
            return;
        }
        connection.heard();
        switch (((ClientConnection) connection).onAck(ack)) {
            case REPEATED -> engine.unexpected(from, ack, "the same ACK again", false);
            case UNEXPECTED -> {
                // A second server connection for this client id (a repeated SYN met a server that
                // had forgotten the first): close it so that it does not dangle.
                engine.unexpected(from, ack, "a second ACK with another server id; closing that server id", false);
                engine.reply(from, Message.clientClose(serverId));
            }
            default -> {
            }
        }
    }

    private void oversize(Destination from, Packet packet) {
        admission.refuse(from, Counter.OVERSIZE_MESSAGE, "messages of at most " + settings.limits().maxMessageSize() + " bytes");
        if (packet instanceof Message message
                && (message.type() == MessageType.CLIENT_DATA || message.type() == MessageType.SERVER_DATA)) {
            Connection connection = find(from, message);
            if (connection != null) {
                connection.fail(new ReceiveLimitException("protocol violation: " + from + " sent a data message of "
                        + message.payloadLength() + " bytes, more than " + settings.limits().maxMessageSize()
                        + " in all; the connection was closed"), true);
            }
        }
    }

    private void malformed(Destination from, ByteBuffer message, MalformedMessageException problem) {
        counters.increment(problem.reason() == MalformedMessageException.Reason.UNKNOWN_TYPE
                ? Counter.UNKNOWN_TYPE : Counter.MALFORMED);
        byte[] bytes = new byte[message.remaining()];
        message.duplicate().get(bytes);
        LOG.log(Level.DEBUG, () -> "dropped " + bytes.length + " bytes from " + from + ": " + problem.getMessage());
        engine.notify(listener -> listener.malformed(from, bytes, problem));
    }
}
