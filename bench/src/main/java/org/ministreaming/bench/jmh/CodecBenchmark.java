package org.ministreaming.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ministreaming.wire.Codec;
import org.ministreaming.wire.ConnectionId;
import org.ministreaming.wire.MalformedMessageException;
import org.ministreaming.wire.Message;
import org.ministreaming.wire.MessageType;
import org.ministreaming.wire.Packet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The wire codec on its own: decoding and encoding a full data message (32 KiB of payload) and a
 * small control message (an ACK). Decoding keeps the array it is given, so the same array is
 * decoded again and again; encoding makes a new message array each time, as a send does.
 */
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

    private static final ConnectionId CLIENT = new ConnectionId(0x123456);
    private static final ConnectionId SERVER = new ConnectionId(0x987654);

    private byte[] payload;
    private byte[] data;
    private byte[] ack;

    /** Makes the payload and the encoded messages. */
    @Setup
    public void setUp() {
        payload = new byte[32 * 1024];
        new SplittableRandom(1).nextBytes(payload);
        data = Message.of(MessageType.CLIENT_DATA, SERVER, payload).toByteArray();
        ack = Message.ack(CLIENT, SERVER).toByteArray();
    }

    /** Decodes a data message with 32 KiB of payload. */
    @Benchmark
    public Packet decodeData() throws MalformedMessageException {
        return Codec.decode(data);
    }

    /** Decodes an ACK. */
    @Benchmark
    public Packet decodeAck() throws MalformedMessageException {
        return Codec.decode(ack);
    }

    /** Encodes a data message with 32 KiB of payload: one new array, the payload copied in. */
    @Benchmark
    public Message encodeData() {
        return Message.of(MessageType.CLIENT_DATA, SERVER, payload);
    }

    /** Encodes an ACK. */
    @Benchmark
    public Message encodeAck() {
        return Message.ack(CLIENT, SERVER);
    }
}
