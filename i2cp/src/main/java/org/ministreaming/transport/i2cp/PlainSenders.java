package org.ministreaming.transport.i2cp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.MessageType;

/**
 * Finds who sent a plain message. I2CP does not tell a receiver who sent a message, and the
 * original did not say either: a SYN carries the client's destination, and every later message
 * is known only by its connection id, as the original found connections by id alone. So this
 * table learns, from the plain messages this endpoint sends, which peer will answer with which
 * id: a SYN sent to P with client id C means that {@code 5x} messages with id C come from P; an
 * ACK sent to P with server id S means that {@code Ax} messages with id S come from P; a ping
 * with id X means the pong with id X comes from P.
 *
 * <p>The table holds at most {@link #CAPACITY} ids and forgets the least recently used first, and
 * an id when a close for it arrives. Thread-safe.
 */
final class PlainSenders {

    /** How many ids the table holds. */
    static final int CAPACITY = 16_384;

    private enum Kind { CLIENT, SERVER, PONG }

    private record Key(Kind kind, int id) {
    }

    private final Map<Key, Destination> peers = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Destination> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Whether a message is a plain ministreaming message: its type byte is in a range the protocol uses. */
    static boolean isPlain(ByteBuffer message) {
        if (!message.hasRemaining()) {
            return false;
        }
        int type = message.get(message.position()) & 0xFF;
        return MessageType.isClientToServerRange(type) || MessageType.isServerToClientRange(type) || type == MessageType.CHAFF.code();
    }

    /** Learns from a plain message this endpoint sends to {@code to}. */
    void sent(Destination to, ByteBuffer message) {
        int start = message.position();
        if (message.remaining() < 1 + ConnectionId.LENGTH) {
            return;
        }
        MessageType type = MessageType.fromCode(message.get(start));
        int id = id(message, start + 1);
        if (type == MessageType.SYN) {
            remember(new Key(Kind.CLIENT, id), to);
        } else if (type == MessageType.PING) {
            remember(new Key(Kind.PONG, id), to);
        } else if (type == MessageType.ACK && message.remaining() >= 1 + 2 * ConnectionId.LENGTH) {
            remember(new Key(Kind.SERVER, id(message, start + 1 + ConnectionId.LENGTH)), to);
        }
    }

    /**
     * Who sent an inbound plain message.
     *
     * @return the peer, or {@code null} when nothing tells
     */
    Destination senderOf(byte[] message) {
        if (message.length < 1 + ConnectionId.LENGTH) {
            return null;
        }
        MessageType type = MessageType.fromCode(message[0]);
        if (type == null || type == MessageType.CHAFF || type == MessageType.PING) {
            return null;
        }
        if (type == MessageType.SYN) {
            try {
                return I2pDestinations.toUri(I2pDestinations.read(message, 1 + ConnectionId.LENGTH));
            } catch (IOException e) {
                return null;
            }
        }
        int id = id(ByteBuffer.wrap(message), 1);
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

    /** Forgets every id. */
    void clear() {
        synchronized (peers) {
            peers.clear();
        }
    }

    private void remember(Key key, Destination peer) {
        synchronized (peers) {
            peers.put(key, peer);
        }
    }

    private static int id(ByteBuffer message, int offset) {
        return (message.get(offset) & 0xFF) << 16 | (message.get(offset + 1) & 0xFF) << 8 | message.get(offset + 2) & 0xFF;
    }
}
