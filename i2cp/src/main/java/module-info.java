/**
 * The I2CP transport: ministreaming over a real I2P router, through I2P's client library (the
 * automatic module {@code i2p}, from {@code net.i2p:i2p}, whose types appear in this API).
 * Start at {@link org.ministreaming.transport.i2cp.I2cpTransport#builder()}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module org.ministreaming.i2cp {
    requires transitive org.ministreaming;
    requires transitive i2p;
    requires jdk.net;

    exports org.ministreaming.transport.i2cp;
}
