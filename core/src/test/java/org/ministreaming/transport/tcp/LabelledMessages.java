package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;

/**
 * Messages labelled {@code name:index} in their first 16 bytes, with a body that shows whether
 * they arrived whole, and a record of those that arrived: for the stress tests in which many
 * threads write one link ({@link LinkLoopStressTest}, {@link TlsLoopStressTest},
 * {@link DirectWriteStressTest}).
 */
final class LabelledMessages {

    private final Map<String, List<Integer>> heard = new ConcurrentHashMap<>();
    private final AtomicInteger corrupt = new AtomicInteger();
    private final CountDownLatch all;

    /** @param expected how many messages must arrive in all */
    LabelledMessages(int expected) {
        this.all = new CountDownLatch(expected);
    }

    /** A message of {@code size} bytes (at least 16) labelled {@code name:index}. */
    static ByteBuffer message(String name, int index, int size) {
        byte[] bytes = new byte[size];
        byte[] label = String.format("%-16s", name + ":" + index).getBytes(UTF_8);
        System.arraycopy(label, 0, bytes, 0, 16);
        for (int i = 16; i < size; i++) {
            bytes[i] = (byte) (i * 31 + size);
        }
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    /** Whether a message's body is the one {@link #message} made for its size. */
    static boolean intact(ByteBuffer message) {
        int size = message.remaining();
        for (int i = 16; i < size; i++) {
            if (message.get(message.position() + i) != (byte) (i * 31 + size)) {
                return false;
            }
        }
        return true;
    }

    /** A message's label: its name, then its index. */
    static String[] label(ByteBuffer message) {
        return UTF_8.decode(message.duplicate().limit(message.position() + 16)).toString().trim().split(":");
    }

    /** Notes a message that arrived, whole or not; returns its label. */
    String[] arrived(ByteBuffer message) {
        if (!intact(message)) {
            corrupt.incrementAndGet();
        }
        String[] label = label(message);
        heard.computeIfAbsent(label[0], k -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(label[1]));
        all.countDown();
        return label;
    }

    /**
     * Sends from {@code senders} threads at once, each {@code each} messages named {@code s0},
     * {@code s1}, ... of 64 bytes to 60 KiB (some fill the socket and leave the rest to the loop),
     * {@code s0}'s numbered from {@code firstOfS0}, and waits until all were sent.
     */
    static void sendFromThreads(TcpTransport client, Destination to, int senders, int each, int firstOfS0) {
        sendFromThreads(client, to, senders, each, firstOfS0, false);
    }

    /**
     * As {@link #sendFromThreads(TcpTransport, Destination, int, int, int)}; with {@code now}, each
     * message is offered first to {@link TcpTransport#sendNow}, in two parts, and sent the usual
     * way only if that takes nothing.
     *
     * @return how many messages {@link TcpTransport#sendNow} took
     */
    static int sendFromThreads(TcpTransport client, Destination to, int senders, int each, int firstOfS0, boolean now) {
        AtomicInteger takenNow = new AtomicInteger();
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            String name = "s" + s;
            int first = s == 0 ? firstOfS0 : 0;
            work.add(Async.run(() -> {
                for (int i = first; i < each + first; i++) {
                    ByteBuffer message = message(name, i, 64 + (i * 7919) % (60 * 1024));
                    if (now && client.sendNow(to, message.duplicate().limit(7), message.duplicate().position(7))) {
                        takenNow.incrementAndGet();
                    } else {
                        client.send(to, message);
                    }
                }
                return null;
            }));
        }
        for (CompletableFuture<Void> done : work) {
            assertThat(done).succeedsWithin(Await.LIMIT);
        }
        return takenNow.get();
    }

    /** Asserts that every message expected arrived, within {@code seconds}, and each whole. */
    void assertAllArrivedWhole(long seconds) throws InterruptedException {
        assertThat(all.await(seconds, TimeUnit.SECONDS)).as("every message arrived").isTrue();
        assertThat(corrupt).as("messages that arrived cut or mixed").hasValue(0);
    }

    /** Asserts that {@code count} messages named {@code name} arrived, each once and in order. */
    void assertOnceInOrder(String name, int count) {
        assertThat(heard.get(name)).as("%s's messages, each once and in order", name).isSorted().doesNotHaveDuplicates().hasSize(count);
    }
}
