package org.ministreaming.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ministreaming.testing.Await;
import org.ministreaming.transport.Destination;
import org.ministreaming.transport.RecordingReceiver;
import org.ministreaming.transport.Transport;

/**
 * Frames of {@value ChannelLink#LEND_FROM} bytes or more reach the receiver as views of the link's
 * read buffer ({@link Transport.Receiver#onLentMessage}): their bytes stay as sent while the loop
 * reads on, however the stream is cut, until each is given back, and the buffers come back to the
 * pool then. Shorter frames, and any while the pool has as many buffers out on loan as it allows
 * (as many as {@link LinkLoop#LOANED_BYTES} makes in their size), are copies. Reads stop where the frame they cut
 * still fits the buffer, whatever the buffer's size ({@link TcpTransportBuilder#linkBufferBytes}).
 */
class LentFramesTest extends TcpFixture {

    private static final String PEER = "tcp://127.0.0.1:1";

    @Test
    void longFramesAreLentAndKeepTheirBytesWhileTheLoopReadsOnShortOnesAreCopied() throws Exception {
        Holding receiver = new Holding();
        TcpTransport server = listening(receiver);
        List<byte[]> sent = frames(new Random(1), server.loop().buffers().loans() - 4, 1, Frames.MAX_LENGTH);
        try (RawPeer peer = rawConnect(server.localDestination())) {
            peer.hello(PEER);
            sendCut(peer.out, sent, new Random(2));
            List<Received> got = receiver.take(sent.size());

            for (int i = 0; i < sent.size(); i++) {
                assertThat(got.get(i).lent()).as("frame %d of %d bytes lent", i, sent.get(i).length)
                        .isEqualTo(sent.get(i).length >= ChannelLink.LEND_FROM);
                assertThat(got.get(i).bytes()).as("frame %d as sent, after all were read", i).isEqualTo(sent.get(i));
            }
            assertThat(server.loop().buffers().onLoan()).isPositive();
            got.forEach(Received::giveBack);
            awaitAllBack(server);
        }
    }

    @Test
    void withAsManyBuffersOnLoanAsAllowedLongFramesAreCopiedUntilOneComesBack() throws Exception {
        Holding receiver = new Holding();
        TcpTransport server = listening(receiver);
        DirectBuffers pool = server.loop().buffers();
        int loans = pool.loans();
        assertThat(loans).isEqualTo(LinkLoop.LOANED_BYTES / TcpTransportBuilder.DEFAULT_LINK_BUFFER_BYTES);
        int count = 2 * loans * (ChannelLink.softEnd(pool) / (Frames.LENGTH_BYTES + Frames.MAX_LENGTH) + 1);
        List<byte[]> sent = frames(new Random(3), count, Frames.MAX_LENGTH, Frames.MAX_LENGTH);
        try (RawPeer peer = rawConnect(server.localDestination())) {
            peer.hello(PEER);
            sendCut(peer.out, sent, new Random(4));
            List<Received> got = receiver.take(count);

            assertThat(pool.onLoan()).isEqualTo(loans);
            assertThat(got).filteredOn(Received::lent).hasSizeBetween(loans, count - 1);
            for (int i = 0; i < count; i++) {
                assertThat(got.get(i).bytes()).as("frame %d", i).isEqualTo(sent.get(i));
            }
            got.forEach(Received::giveBack);
            awaitAllBack(server);

            byte[] after = frames(new Random(5), 1, Frames.MAX_LENGTH, Frames.MAX_LENGTH).get(0);
            peer.frame(after);
            Received again = receiver.take(1).get(0);
            assertThat(again.lent()).as("lent again once the buffers came back").isTrue();
            assertThat(again.bytes()).isEqualTo(after);
            again.giveBack();
        }
    }

    @Test
    void aFrameBegunAfterALentOneIsReadOnInTheSameBufferWithItsBytesIntact() throws Exception {
        Holding receiver = new Holding();
        TcpTransport server = listening(receiver);
        List<byte[]> sent = frames(new Random(13), 2, Frames.MAX_LENGTH, Frames.MAX_LENGTH);
        try (RawPeer peer = rawConnect(server.localDestination())) {
            peer.hello(PEER);
            List<Received> got = sendSplittingTheSecond(peer, sent, receiver);

            assertThat(got).allMatch(Received::lent);
            assertThat(server.loop().buffers().onLoan()).as("both frames lent from one buffer, none moved").isEqualTo(1);
            assertThat(got.get(0).bytes()).isEqualTo(sent.get(0));
            assertThat(got.get(1).bytes()).isEqualTo(sent.get(1));
            got.forEach(Received::giveBack);
            awaitAllBack(server);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {TcpTransportBuilder.MIN_LINK_BUFFER_BYTES, TcpTransportBuilder.DEFAULT_LINK_BUFFER_BYTES})
    void readsStopAtTheSoftEndButToFinishTheFrameCutThereWhichFitsTheBuffer(int linkBufferBytes) throws Exception {
        Holding receiver = new Holding();
        TcpTransport server = started(TcpTransport.plain().listen(LOOPBACK).linkBufferBytes(linkBufferBytes), receiver);
        DirectBuffers pool = server.loop().buffers();
        assertThat(ChannelLink.softEnd(pool)).isEqualTo(linkBufferBytes);
        // Frames of the longest kind: the k-th begins before the soft end and ends after it, the
        // next begins after it, so it goes to the next buffer however the stream is cut.
        int each = Frames.LENGTH_BYTES + Frames.MAX_LENGTH;
        int k = (linkBufferBytes + each - 1) / each;
        assertThat(k * each).isGreaterThanOrEqualTo(linkBufferBytes).isLessThanOrEqualTo(pool.size());
        List<byte[]> sent = frames(new Random(14), 2 * k, Frames.MAX_LENGTH, Frames.MAX_LENGTH);
        try (RawPeer peer = rawConnect(server.localDestination())) {
            peer.hello(PEER);
            sendCut(peer.out, sent, new Random(15));
            List<Received> got = receiver.take(sent.size());

            assertThat(got).allMatch(Received::lent);
            assertThat(server.loop().buffers().onLoan()).as("%d frames in each of two buffers", k).isEqualTo(2);
            for (int i = 0; i < sent.size(); i++) {
                assertThat(got.get(i).bytes()).as("frame %d", i).isEqualTo(sent.get(i));
            }
            got.forEach(Received::giveBack);
            awaitAllBack(server);
        }
    }

    @Test
    void framesReadTogetherAreHandedOverAsARunThatEndsWithTheLast() throws Exception {
        BlockingQueue<Boolean> more = new LinkedBlockingQueue<>();
        CountDownLatch firstIn = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        Transport.Receiver receiver = new Transport.Receiver() {
            @Override
            public void onMessage(Destination from, ByteBuffer message) {
                more.add(false);
            }

            @Override
            public void onLentMessage(Destination from, ByteBuffer message, Runnable giveBack, boolean followed) {
                giveBack.run();
                more.add(followed);
                if (firstIn.getCount() > 0) { // hold the loop until the rest lies in the socket whole
                    firstIn.countDown();
                    try {
                        goOn.await(WAIT_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void onPeerLost(Destination peer, IOException cause) {
            }
        };
        TcpTransport server = listening(receiver);
        List<byte[]> sent = frames(new Random(16), 6, 8192, 8192);
        try (RawPeer peer = rawConnect(server.localDestination())) {
            peer.hello(PEER);
            peer.frame(sent.get(0));
            try {
                assertThat(firstIn.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the first frame handed over").isTrue();
                ByteBuffer rest = ByteBuffer.allocate(5 * (Frames.LENGTH_BYTES + 8192));
                sent.subList(1, 6).forEach(frame -> rest.putInt(frame.length).put(frame));
                peer.raw(rest.array());
            } finally {
                goOn.countDown(); // the loop goes on whatever happened here
            }

            List<Boolean> flags = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                flags.add(more.poll(WAIT_SECONDS, TimeUnit.SECONDS));
            }
            assertThat(flags).as("alone in its read, then five read at once").containsExactly(false, true, true, true, true, false);
        }
    }

    /**
     * Sends the first frame and the first 100 bytes of the second, waits until the first is
     * received (so the loop has read up to there and lent it), then the rest; holds both views.
     */
    private static List<Received> sendSplittingTheSecond(RawPeer peer, List<byte[]> frames, Holding receiver) throws Exception {
        ByteBuffer stream = ByteBuffer.allocate(2 * Frames.LENGTH_BYTES + frames.get(0).length + frames.get(1).length);
        stream.putInt(frames.get(0).length).put(frames.get(0)).putInt(frames.get(1).length).put(frames.get(1));
        byte[] bytes = stream.array();
        int cut = Frames.LENGTH_BYTES + frames.get(0).length + 100;
        peer.raw(Arrays.copyOf(bytes, cut));
        List<Received> got = new ArrayList<>(receiver.take(1));
        peer.raw(Arrays.copyOfRange(bytes, cut, bytes.length));
        got.addAll(receiver.take(1));
        return got;
    }

    @Test
    void aReceiverThatTakesOnlyOwnedMessagesGetsCopiesAndEveryBufferComesBack() throws Exception {
        RecordingReceiver receiver = new RecordingReceiver();
        TcpTransport server = listening(receiver);
        List<byte[]> sent = frames(new Random(6), 100, ChannelLink.LEND_FROM, Frames.MAX_LENGTH);
        try (RawPeer peer = rawConnect(server.localDestination())) {
            peer.hello(PEER);
            sendCut(peer.out, sent, new Random(7));
            for (byte[] frame : sent) {
                assertThat(receiver.next().bytes()).isEqualTo(frame);
            }
            awaitAllBack(server);
        }
    }

    @Test
    void viewsHeldWhenTheLinkEndsKeepTheirBytesAndComeBackAfterwards() throws Exception {
        Holding receiver = new Holding();
        TcpTransport server = listening(receiver);
        List<byte[]> sent = frames(new Random(8), 20, ChannelLink.LEND_FROM, Frames.MAX_LENGTH);
        RawPeer peer = rawConnect(server.localDestination());
        peer.hello(PEER);
        sendCut(peer.out, sent, new Random(9));
        peer.raw(new byte[] {0, 0, 1}); // an unfinished frame, then the end
        List<Received> got = receiver.take(sent.size());
        peer.close();
        assertThat(receiver.losses.poll(WAIT_SECONDS, TimeUnit.SECONDS)).as("the link ended").isNotNull();

        for (int i = 0; i < sent.size(); i++) {
            assertThat(got.get(i).bytes()).as("frame %d after the link ended", i).isEqualTo(sent.get(i));
        }
        got.forEach(Received::giveBack);
        awaitAllBack(server);
    }

    @Test
    void framesReadThroughTlsAreLentAsWell() throws Exception {
        Holding receiver = new Holding();
        TcpTransport server = started(TcpTransport.tls().listen(LOOPBACK_TLS), receiver);
        List<byte[]> sent = frames(new Random(10), 60, 1, Frames.MAX_LENGTH);
        RawPeer peer = tlsPeer(server);
        peer.hello("-");
        sendCut(peer.out, sent, new Random(11));
        List<Received> got = receiver.take(sent.size());

        assertThat(got).filteredOn(Received::lent).isNotEmpty();
        for (int i = 0; i < sent.size(); i++) {
            assertThat(got.get(i).bytes()).as("frame %d", i).isEqualTo(sent.get(i));
        }
        got.forEach(Received::giveBack);
        awaitAllBack(server);
    }

    /** Every buffer back in the pool, once the loop has let go of the last one it read into. */
    private static void awaitAllBack(TcpTransport server) {
        Await.until("every buffer back once every view is", () -> server.loop().buffers().onLoan() == 0);
    }

    /** {@code count} frames of random bytes, {@code min} to {@code max} long. */
    private static List<byte[]> frames(Random random, int count, int min, int max) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] frame = new byte[min + random.nextInt(max - min + 1)];
            random.nextBytes(frame);
            frames.add(frame);
        }
        return frames;
    }

    /** Writes the frames as one stream cut at random places, each piece flushed, so that reads end inside frames. */
    private static void sendCut(OutputStream out, List<byte[]> frames, Random random) throws IOException {
        int total = frames.stream().mapToInt(f -> Frames.LENGTH_BYTES + f.length).sum();
        ByteBuffer stream = ByteBuffer.allocate(total);
        frames.forEach(f -> stream.putInt(f.length).put(f));
        byte[] bytes = stream.array();
        for (int at = 0; at < bytes.length;) {
            int piece = Math.min(bytes.length - at, 1 + random.nextInt(3 * Frames.MAX_LENGTH));
            out.write(bytes, at, piece);
            out.flush();
            at += piece;
        }
    }

    /** One message as it came: lent (with its give-back) or owned. */
    private record Received(ByteBuffer view, Runnable loan) {
        boolean lent() {
            return loan != null;
        }

        byte[] bytes() {
            return RecordingReceiver.bytes(view);
        }

        void giveBack() {
            if (loan != null) {
                loan.run();
            }
        }
    }

    /** Holds every lent view until the test gives it back. */
    private static final class Holding implements Transport.Receiver {
        final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        final BlockingQueue<IOException> losses = new LinkedBlockingQueue<>();

        @Override
        public void onMessage(Destination from, ByteBuffer message) {
            received.add(new Received(message, null));
        }

        @Override
        public void onLentMessage(Destination from, ByteBuffer message, Runnable giveBack) {
            assertThat(message.isReadOnly()).isTrue();
            received.add(new Received(message, giveBack));
        }

        @Override
        public void onPeerLost(Destination peer, IOException cause) {
            losses.add(cause);
        }

        List<Received> take(int count) throws InterruptedException {
            List<Received> taken = new ArrayList<>();
            while (taken.size() < count) {
                Received next = received.poll(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(next).as("message %d of %d within %s", taken.size() + 1, count, Await.LIMIT).isNotNull();
                taken.add(next);
            }
            return taken;
        }
    }
}
