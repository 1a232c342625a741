package org.ministreaming.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.i2cp.I2cpTransportBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code ministreaming demo}: plays the seed's three sample conversations on an in-memory
 * network (or loopback TCP, or an I2P router), printing every message, then times a bulk
 * transfer and checks it arrived intact.
 *
 * <p>Not thread-safe: picocli fills one instance per run.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Plays the three sample conversations of the 2004 protocol text over an in-memory network (or loopback TCP, or an I2P router),"
                    + " printing every message the client sends and receives, and checks them against the text.",
            "Then sends SIZE bytes of seeded random data over one connection and compares their SHA-256 at both ends;"
                    + " --receive-buffer, --plain-receive-allowance and --receive-budget apply to its two managers.",
            "With --drop, --duplicate or --reorder the transfer runs over a lossy link through the reliable delivery layer,"
                    + " and prints how many messages it retransmitted and how many duplicates it discarded.",
            "With --transport i2cp and no --i2cp, it starts a private I2P router with no network for the demo (as the router"
                    + " command does), and stops it at the end: the I2P demo needs nothing but Java."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":everything matched",
            ExitCodes.FAILURE + ":a conversation or the transfer's checksum differed",
            ExitCodes.USAGE + ":the command line is wrong",
            ExitCodes.IO_ERROR + ":the transfer's connection failed or stalled (as with --drop 100, or a receive limit too small)",
            ExitCodes.TRANSPORT_UNAVAILABLE + ":with --transport i2cp, the router could not be reached or did not build tunnels in time"})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "64M", converter = ByteSize.class,
            description = "Bytes to transfer: a number, optionally with K, M or G (1K = 1024). Default: ${DEFAULT-VALUE}.")
    private long size;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the random data. Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--transport", paramLabel = "mem|tcp|i2cp", defaultValue = "mem", converter = DemoTransport.Converter.class,
            description = "What the endpoints talk over: mem, an in-memory network; tcp, TCP on loopback;"
                    + " or i2cp, an I2P router (see --i2cp), each endpoint a new destination. Default: mem.")
    private DemoTransport transport;

    @Option(names = "--i2cp", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "With --transport i2cp: the I2CP address of the I2P router, usually " + I2cpTransportBuilder.DEFAULT_HOST
                    + ":" + I2cpTransportBuilder.DEFAULT_PORT + ". Without it, the demo starts a private router of its own.")
    private HostPort router;

    @Option(names = "--i2cp-option", paramLabel = "NAME=VALUE", converter = SessionOption.Converter.class,
            description = "With --transport i2cp: a session option for the router, such as inbound.length=0; repeat it for more.")
    private List<SessionOption> sessionOptions = new ArrayList<>();

    @Option(names = "--i2cp-timeout", paramLabel = "SECONDS", converter = I2pEndpoint.Seconds.class,
            description = "With --transport i2cp: how long to wait for the router to open each session and build its tunnels"
                    + " before giving up (exit code 7). Default: 180.")
    private Duration timeout = I2cpTransportBuilder.DEFAULT_OPEN_TIMEOUT;

    @Mixin
    private LossyLink link;

    @Mixin
    private ReceiveOptions receive;

    @Spec
    private CommandSpec spec;

    /** What the bulk transfer runs over, given the chosen transport's network: that network, unless a test must see a transfer go wrong. */
    UnaryOperator<DemoTransport.Network> transferNetwork = UnaryOperator.identity();

    /** Plays the conversations and the transfer; 0 if all matched, 1 if anything differed. */
    @Override
    public Integer call() throws IOException {
        Main main = (Main) spec.root().userObject();
        Main.refuseTrace(spec, "the demo prints its own traces");
        if (link.reliable() && transport != DemoTransport.MEM) {
            throw new ParameterException(spec.commandLine(), "--drop, --duplicate, --reorder and --reliable apply to the in-memory network only");
        }
        ParseResult given = spec.commandLine().getParseResult();
        if ((given.hasMatchedOption("--i2cp") || given.hasMatchedOption("--i2cp-option") || given.hasMatchedOption("--i2cp-timeout"))
                && transport != DemoTransport.I2CP) {
            throw new ParameterException(spec.commandLine(), "--i2cp, --i2cp-option and --i2cp-timeout are for --transport i2cp");
        }
        receive.check();
        CoreLogging.configure(main.verbose());
        if (transport != DemoTransport.I2CP || router != null) {
            return play(new DemoTransport.Router(router, List.copyOf(sessionOptions), timeout, spec.commandLine().getErr()));
        }
        try (ChildRouter own = startRouter()) {
            // No session options of its own: the private router gives every session zero-hop tunnels.
            return play(new DemoTransport.Router(own.address(), List.copyOf(sessionOptions), timeout, spec.commandLine().getErr()));
        }
    }

    /** A private router in a child process, for {@code --transport i2cp} without {@code --i2cp}. */
    private ChildRouter startRouter() throws CommandFailure {
        PrintWriter err = spec.commandLine().getErr();
        err.println("ministreaming: no --i2cp given: starting a private I2P router (no network) for the demo");
        err.flush();
        try (WaitProgress progress = WaitProgress.start(err, "the private I2P router to start", ChildRouter.START_LIMIT)) {
            return ChildRouter.start();
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.TRANSPORT_UNAVAILABLE, e.getMessage(), e);
        }
    }

    private int play(DemoTransport.Router i2p) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<String> failures = new ArrayList<>();
        List<String> differed = new SeedConversations(out, transport.network(LossyLink.perfect(), i2p)).play();
        if (!differed.isEmpty()) {
            failures.add("conversation " + String.join(" and ", differed) + " differed from the protocol text");
        }
        if (!transfer(out, transferNetwork.apply(transport.network(link, i2p))).hashesMatch()) {
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

    private BulkTransfer.Result transfer(PrintWriter out, DemoTransport.Network network) throws IOException {
        BulkTransfer transfer = new BulkTransfer(size, seed, network, () -> receive.applyTo(StreamOptions.builder()));
        out.println();
        out.println("Bulk transfer: " + ByteSize.format(size) + " of random data (seed " + seed
                + ") " + transport.route("sender", "receiver") + " over one connection");
        int window = receive.window();
        int maxWindow = receive.maxWindow();
        out.println("   with flow control: the sender waits whenever the receiver's window is full ("
                + (maxWindow > window ? ByteSize.format(window) + " at first, growing to " + ByteSize.format(maxWindow) + " while the reader keeps up)"
                        : ByteSize.format(window) + ", fixed)"));
        if (link.reliable()) {
            out.println("   " + link.describe());
        }
        out.flush();
        ProgressLine progress = new ProgressLine(spec.commandLine().getErr(), "transfer", size, ProgressLine.interactive());
        BulkTransfer.Result result;
        try {
            result = transfer.run(progress);
        } finally {
            progress.finish();
        }
        double perSecond = result.bytesPerSecond();
        out.printf(Locale.ROOT, "   %d bytes in %.2f s: %s/s%n", result.bytes(), result.seconds(), ByteSize.scaled(perSecond, perSecond));
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
