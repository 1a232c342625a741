package org.ministreaming.transport.i2cp;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What one endpoint's {@code sendMessage} calls carried, in order. Thread-safe. */
final class Sent implements SendTap {

    /** One {@code sendMessage}. */
    record Call(net.i2p.data.Destination to, byte[] bytes, int protocol) {
        String hex() {
            return HexFormat.of().withUpperCase().formatHex(bytes);
        }
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();

    @Override
    public void sending(net.i2p.data.Destination to, byte[] bytes, int protocol) {
        calls.add(new Call(to, bytes.clone(), protocol));
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }
}
