/**
 * I2P's socket manager interfaces over ministreaming: I2P's {@code mstreaming} API (the automatic
 * module {@code mstreaming}, from {@code net.i2p.client:mstreaming}), implemented here. Start at
 * {@link org.ministreaming.i2p.MinistreamingSocketManagerFactory}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module org.ministreaming.i2p {
    requires transitive org.ministreaming;
    requires transitive org.ministreaming.i2cp;
    requires transitive i2p;
    requires transitive mstreaming;

    exports org.ministreaming.i2p;
}
