package org.ministreaming.transport.tcp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import org.junit.jupiter.api.RepeatedTest;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.Transport;

/**
 * A plain link written both by senders' own threads (when nobody else writes and the socket has
 * room) and by the loop (replies its receiver provokes, and whatever a full socket left): with
 * senders of messages large and small on several threads and the loop answering every echo on
 * the same link, each sender's messages and the loop's answers arrive whole, once and in order.
 */
class DirectWriteStressTest extends TcpFixture {

    private static final int SENDERS = 4;
    private static final int EACH = 300;

    @RepeatedTest(3)
    void sendersThreadsAndTheLoopWriteOneLinkWithoutLosingOrMixingAnything() throws Exception {
        Map<String, List<Integer>> heard = new ConcurrentHashMap<>();
        AtomicInteger corrupt = new AtomicInteger();
        // Every sender's message, then one loop answer per echo.
        CountDownLatch all = new CountDownLatch(2 * SENDERS * EACH);
        TcpTransport[] server = new TcpTransport[1];
        server[0] = started(TcpTransport.plain().listen(LOOPBACK).sendQueueBytes(128 * 1024), new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                if (!LinkLoopStressTest.intact(message)) {
                    corrupt.incrementAndGet();
                }
                String[] parts = UTF_8.decode(message.duplicate().limit(message.position() + 16)).toString().trim().split(":");
                heard.computeIfAbsent(parts[0], k -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(parts[1]));
                if (!parts[0].startsWith("loop")) {
                    server[0].reply(from, LinkLoopStressTest.message("echo" + parts[0], Integer.parseInt(parts[1]), 64));
                }
                all.countDown();
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        Destination to = server[0].localDestination();
        TcpTransport[] client = new TcpTransport[1];
        client[0] = started(TcpTransport.plain().sendQueueBytes(128 * 1024), new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                String[] parts = UTF_8.decode(message.duplicate().limit(message.position() + 16)).toString().trim().split(":");
                // Written by the loop, on the link the senders' threads write too.
                client[0].reply(from, LinkLoopStressTest.message("loop" + parts[0].substring(4), Integer.parseInt(parts[1]), 64));
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        });
        List<CompletableFuture<Void>> senders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            String name = "s" + s;
            senders.add(Async.run(() -> {
                for (int i = 0; i < EACH; i++) {
                    // 64 bytes to 60 KiB: some writes leave the rest of a full socket to the loop.
                    client[0].send(to, LinkLoopStressTest.message(name, i, 64 + (i * 7919) % (60 * 1024)));
                }
                return null;
            }));
        }
        for (CompletableFuture<Void> sender : senders) {
            assertThat(sender).succeedsWithin(Await.LIMIT);
        }
        assertThat(all.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("every message and every loop answer arrived").isTrue();

        assertThat(corrupt).hasValue(0);
        for (int s = 0; s < SENDERS; s++) {
            assertThat(heard.get("s" + s)).as("sender %d's messages, each once and in order", s)
                    .isSorted().doesNotHaveDuplicates().hasSize(EACH);
            assertThat(heard.get("loops" + s)).as("the loop's answers to sender %d's echoes, each once and in order", s)
                    .isSorted().doesNotHaveDuplicates().hasSize(EACH);
        }
    }
}
