package org.ministreaming.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ministreaming.StreamOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ministreaming demo}: plays the seed's three sample conversations on an in-memory
 * network (or loopback TCP), printing every message, then times a bulk transfer and checks it
 * arrived intact.
 *
 * <p>Not thread-safe: picocli fills one instance per run.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Plays the seed's three sample conversations over an in-memory network (or loopback TCP), printing every message"
                    + " the client sends and receives, and checks them against the seed.",
            "Then sends SIZE bytes of seeded random data over one connection and compares their SHA-256 at both ends.",
            "With --drop, --duplicate or --reorder the transfer runs over a lossy link through the reliable delivery layer,"
                    + " and prints how many messages it retransmitted and how many duplicates it discarded.",
            "Exits with 0 if everything matched, 1 if not."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "64M", converter = ByteSize.class,
            description = "Bytes to transfer: a number, optionally with K, M or G (1K = 1024). Default: ${DEFAULT-VALUE}.")
    private long size;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the random data. Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--transport", paramLabel = "mem|tcp", defaultValue = "mem", converter = DemoTransport.Converter.class,
            description = "What the endpoints talk over: mem, an in-memory network, or tcp, TCP on loopback. Default: mem.")
    private DemoTransport transport;

    @Mixin
    private LossyLink link;

    @Spec
    private CommandSpec spec;

    /** Plays the conversations and the transfer; 0 if all matched, 1 if anything differed. */
    @Override
    public Integer call() throws IOException {
        Main main = (Main) spec.root().userObject();
        if (main.trace()) {
            throw new ParameterException(spec.commandLine(), "the demo prints its own traces; --trace is for server, client, listen and connect");
        }
        if (link.reliable() && transport != DemoTransport.MEM) {
            throw new ParameterException(spec.commandLine(), "--drop, --duplicate, --reorder and --reliable apply to the in-memory network only");
        }
        CoreLogging.configure(main.verbose());
        PrintWriter out = spec.commandLine().getOut();
        List<String> failures = new ArrayList<>();
        List<String> differed = new SeedConversations(out, transport).play();
        if (!differed.isEmpty()) {
            failures.add("conversation " + String.join(" and ", differed) + " differed from the seed");
        }
        if (!transfer(out).hashesMatch()) {
            failures.add("the bytes received differ from the bytes sent");
        }
        if (failures.isEmpty()) {
            return ExitCodes.OK;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("ministreaming: demo failed: " + String.join("; ", failures));
        err.flush();
        return ExitCodes.FAILURE;
    }

    private BulkTransfer.Result transfer(PrintWriter out) throws IOException {
        BulkTransfer transfer = new BulkTransfer(size, seed, transport, link);
        out.println();
        out.println("Bulk transfer: " + ByteSize.format(size) + " of random data (seed " + seed
                + ") " + transport.route("sender", "receiver") + " over one connection");
        out.println("   with flow control: the sender waits whenever the receiver's "
                + ByteSize.format(StreamOptions.DEFAULT_RECEIVE_BUFFER_SIZE) + " buffer is full");
        if (link.reliable()) {
            out.println("   " + link.describe());
        }
        out.flush();
        ProgressLine progress = new ProgressLine(spec.commandLine().getErr(), "transfer", size);
        BulkTransfer.Result result;
        try {
            result = transfer.run(progress);
        } finally {
            progress.finish();
        }
        out.printf(Locale.ROOT, "   %d bytes in %.2f s: %.1f MiB/s%n", result.bytes(), result.seconds(), result.mebibytesPerSecond());
        HexFormat hex = HexFormat.of();
        out.println(result.hashesMatch()
                ? "   SHA-256 of sent and received bytes match: " + hex.formatHex(result.sentHash())
                : "   SHA-256 differs: sent " + hex.formatHex(result.sentHash()) + ", received " + hex.formatHex(result.receivedHash()));
        if (link.reliable()) {
            out.println("   " + link.summary());
        }
        out.flush();
        return result;
    }
}
