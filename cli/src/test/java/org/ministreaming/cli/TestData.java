package org.ministreaming.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/** What the netcat tests feed in and read back. */
final class TestData {

    private TestData() {
    }

    /** {@code size} random bytes, the same for the same size. */
    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(size).nextBytes(bytes);
        return bytes;
    }

    /** Gives a netcat command {@code in} as its standard input and {@code out} as its standard output. */
    static Consumer<NetworkCommand> streams(byte[] in, OutputStream out) {
        InputStream input = new ByteArrayInputStream(in);
        return command -> ((NetcatCommand) command).standardStreams(input, out);
    }
}
