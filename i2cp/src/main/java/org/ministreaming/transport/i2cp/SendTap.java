package org.ministreaming.transport.i2cp;

/** Sees what each {@code sendMessage} of an {@link I2cpTransport} carries, for tests at the I2CP boundary. */
interface SendTap {
    SendTap NONE = (to, bytes, protocol) -> { };

    void sending(net.i2p.data.Destination to, byte[] bytes, int protocol);
}
