package org.ministreaming.transport.attribution;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.MessageType;

/**
 * Finds who sent a plain message when the transport cannot say (I2CP does not tell a receiver
 * who sent a message, and the original did not say either): a SYN carries the client's
 * destination, and every later message is known only by its connection id, as the original found
 * connections by id alone. So this table learns, from the messages this endpoint sends, which
 * peer will answer with which id: a SYN sent to P with client id C means that {@code 5x} messages
 * with id C come from P; an ACK sent to P with server id S means that {@code Ax} messages with id
 * S come from P; a ping with id X means the pong with id X comes from P.
 *
 * <p>The table holds at most {@link #CAPACITY} ids and forgets the least recently used first, and
 * an id when a close for it arrives. Thread-safe.
 */
final class PlainSenders {

    /** How many ids the table holds. */
    static final int CAPACITY = 16_384;

    private static final int ACK_LENGTH = 1 + 2 * ConnectionId.LENGTH;
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private enum Kind { CLIENT, SERVER, PONG }

    private record Key(Kind kind, int id) {
    }

    private final Map<Key, Destination> peers = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Destination> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Learns from a message this endpoint sends to {@code to}: {@code header}, then {@code payload}. */
    void sent(Destination to, ByteBuffer header, ByteBuffer payload) {
        if (header.remaining() + payload.remaining() < 1 + ConnectionId.LENGTH) {
            return;
        }
        MessageType type = MessageType.fromCode(byteAt(header, payload, 0));
        if (type == MessageType.SYN) {
            remember(new Key(Kind.CLIENT, id(header, payload, 1)), to);
        } else if (type == MessageType.PING) {
            remember(new Key(Kind.PONG, id(header, payload, 1)), to);
        } else if (type == MessageType.ACK && header.remaining() + payload.remaining() >= ACK_LENGTH) {
            remember(new Key(Kind.SERVER, id(header, payload, 1 + ConnectionId.LENGTH)), to);
        }
    }

    /**
     * Who sent an inbound plain message.
     *
     * @param message the message, read-only; its position is not moved
     * @param synSender the destination a SYN payload names, as the transport reads it
     * @return the peer, or {@code null} when nothing tells
     */
    Destination senderOf(ByteBuffer message, Function<ByteBuffer, Optional<Destination>> synSender) {
        if (message.remaining() < 1 + ConnectionId.LENGTH) {
            return null;
        }
        MessageType type = MessageType.fromCode(message.get(message.position()));
        if (type == null || type == MessageType.CHAFF || type == MessageType.PING) {
            return null;
        }
        if (type == MessageType.SYN) {
            ByteBuffer payload = message.duplicate();
            payload.position(payload.position() + 1 + ConnectionId.LENGTH);
            return synSender.apply(payload.slice().asReadOnlyBuffer()).orElse(null);
        }
        int id = id(message, NOTHING, 1);
        Kind kind = switch (type) {
            case PONG -> Kind.PONG;
            case SERVER_DATA, ACK, SERVER_CLOSE, SERVER_CREDIT -> Kind.CLIENT;
            default -> Kind.SERVER;
        };
        boolean last = type == MessageType.PONG || type == MessageType.SERVER_CLOSE || type == MessageType.CLIENT_CLOSE;
        synchronized (peers) {
            return last ? peers.remove(new Key(kind, id)) : peers.get(new Key(kind, id));
        }
    }

    /** How many ids the table holds now. */
    int size() {
        synchronized (peers) {
            return peers.size();
        }
    }

    /** Forgets every id that names {@code peer}. */
    void forget(Destination peer) {
        synchronized (peers) {
            peers.values().removeIf(peer::equals);
        }
    }

    private void remember(Key key, Destination peer) {
        synchronized (peers) {
            peers.put(key, peer);
        }
    }

    /** The connection id at {@code offset} of the bytes {@code header} then {@code payload} hold. */
    private static int id(ByteBuffer header, ByteBuffer payload, int offset) {
        return byteAt(header, payload, offset) << 16 | byteAt(header, payload, offset + 1) << 8 | byteAt(header, payload, offset + 2);
    }

    private static int byteAt(ByteBuffer header, ByteBuffer payload, int offset) {
        int inHeader = header.remaining();
        return (offset < inHeader ? header.get(header.position() + offset) : payload.get(payload.position() + offset - inHeader)) & 0xFF;
    }
}
