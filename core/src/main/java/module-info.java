/**
 * ministreaming: reliable, ordered byte streams (sockets) multiplexed over a message transport,
 * I2P's ministreaming protocol. Start at {@link org.ministreaming.StreamManager}.
 *
 * <p>Exported: the socket API ({@code org.ministreaming}), its {@code java.net} adapters
 * ({@code org.ministreaming.net}), the wire format ({@code org.ministreaming.wire}), the transport
 * SPI and the in-memory, TCP/TLS and reliable transports. The engine
 * ({@code org.ministreaming.engine}) is internal.
 */
module org.ministreaming {
    exports org.ministreaming;
    exports org.ministreaming.net;
    exports org.ministreaming.transport;
    exports org.ministreaming.transport.memory;
    exports org.ministreaming.transport.reliable;
    exports org.ministreaming.transport.tcp;
    exports org.ministreaming.wire;
}
