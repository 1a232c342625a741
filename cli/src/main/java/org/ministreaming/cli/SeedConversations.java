package org.ministreaming.cli;

import static org.ministreaming.wire.MessageType.ACK;
import static org.ministreaming.wire.MessageType.CLIENT_CLOSE;
import static org.ministreaming.wire.MessageType.CLIENT_DATA;
import static org.ministreaming.wire.MessageType.SERVER_CLOSE;
import static org.ministreaming.wire.MessageType.SERVER_DATA;
import static org.ministreaming.wire.MessageType.SYN;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamServerSocket;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.Destination;
import org.ministreaming.wire.MessageType;

/**
 * Plays the seed's three sample conversations between a client and a server, {@code mem:client}
 * and {@code mem:server} on an in-memory network, two endpoints on loopback TCP or two
 * destinations on an I2P router, prints every message the client's manager sends and receives,
 * and checks their types against the seed.
 *
 * <p>The server side runs on its own thread. The engine reports a sent message before the
 * transport takes it, so the trace always shows a message ahead of the answer to it.
 *
 * <p>Not thread-safe: play it once, from one thread.
 */
final class SeedConversations {

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);
    private static final String INDENT = "   ";
    private static final byte[] WELCOME = ascii("welcome");
    private static final byte[] REQUEST = ascii("GET /");
    private static final byte[] ANSWER = ascii("200 OK, ");
    private static final byte[] MORE_ANSWER = ascii("hello");
    private static final String TYPO_NOTE =
            "(the protocol text ends this sample with 'S->C 51 11 11 11 (Close)', a typo: the server's close is 52)";

    private final PrintWriter out;
    private final DemoTransport.Network network;
    private final TraceRecorder trace = new TraceRecorder();
    private final Worker serverSide = new Worker("demo-server");
    private StreamManager client;
    private StreamManager server;
    private Destination serverDestination;

    /**
     * Conversations that print to {@code out}.
     *
     * @param out where the traces go
     * @param network where the client and the server live, with a perfect link
     */
    SeedConversations(PrintWriter out, DemoTransport.Network network) {
        this.out = out;
        this.network = network;
    }

    /**
     * Plays the three conversations and closes everything they used.
     *
     * @return the labels of the conversations that differed from the seed; empty if none did
     * @throws IOException if a connection failed in a way no conversation expects
     */
    List<String> play() throws IOException {
        // The plain protocol, as the seed describes it: without the flow-control offer and answer.
        StreamOptions clientOptions = StreamOptions.builder().flowControl(false)
                .connectTimeout(STEP_TIMEOUT).readTimeout(STEP_TIMEOUT).messageListener(trace).build();
        try (StreamManager serverManager = network.open("server", true, StreamOptions.builder().readTimeout(STEP_TIMEOUT).build());
             StreamManager clientManager = network.open("client", false, clientOptions)) {
            server = serverManager;
            serverDestination = serverManager.localDestination();
            client = clientManager;
            out.println("The 2004 protocol text's sample conversations, as the client (" + DestinationNames.brief(client.localDestination()) + ") sees them,");
            out.println("in the plain protocol (flow control off, as the protocol text has none):");
            List<String> differed = new ArrayList<>();
            if (!refused()) {
                differed.add("a)");
            }
            if (!serverSendsClientCloses()) {
                differed.add("b)");
            }
            if (!clientSendsFirst()) {
                differed.add("c)");
            }
            return differed;
        } finally {
            serverSide.close();
        }
    }

    private boolean refused() throws IOException {
        heading("a) Service not available: the server never opened a server socket");
        String outcome;
        boolean refused;
        try (StreamSocket socket = client.connect(serverDestination)) {
            outcome = "connected to " + DestinationNames.brief(socket.peer()) + ", which should have refused";
            refused = false;
        } catch (ConnectException expected) {
            outcome = "connect failed as it should: " + DestinationNames.shorten(expected.getMessage());
            refused = true;
        }
        return report(List.of(SYN, SERVER_CLOSE), outcome, refused, null);
    }

    private boolean serverSendsClientCloses() throws IOException {
        heading("b) Service available, server sends data, client closes");
        StreamServerSocket listening = server.serverSocket();
        Future<Void> serverDone = serverSide.submit(() -> {
            try (StreamSocket socket = listening.accept(STEP_TIMEOUT)) {
                socket.getOutputStream().write(WELCOME);
                if (socket.getInputStream().read() != -1) {
                    throw new IOException("the client sent data instead of closing");
                }
            }
            return null;
        });
        byte[] read;
        try (StreamSocket socket = client.connect(serverDestination)) {
            read = socket.getInputStream().readNBytes(WELCOME.length);
        }
        serverSide.await(serverDone, STEP_TIMEOUT);
        return report(List.of(SYN, ACK, SERVER_DATA, CLIENT_CLOSE),
                "read " + quote(read) + ", then closed", Arrays.equals(read, WELCOME), null);
    }

    private boolean clientSendsFirst() throws IOException {
        heading("c) Service available, client sends data first, server closes after answer (HTTP)");
        StreamServerSocket listening = server.serverSocket();
        Future<Void> serverDone = serverSide.submit(() -> {
            try (StreamSocket socket = listening.accept(STEP_TIMEOUT)) {
                byte[] request = socket.getInputStream().readNBytes(REQUEST.length);
                if (!Arrays.equals(request, REQUEST)) {
                    throw new IOException("the server read " + quote(request) + " instead of the request");
                }
                socket.getOutputStream().write(ANSWER);
                socket.getOutputStream().write(MORE_ANSWER);
            }
            return null;
        });
        byte[] read;
        try (StreamSocket socket = client.connect(serverDestination)) {
            socket.getOutputStream().write(REQUEST);
            read = socket.getInputStream().readAllBytes();
        }
        serverSide.await(serverDone, STEP_TIMEOUT);
        byte[] answers = Arrays.copyOf(ANSWER, ANSWER.length + MORE_ANSWER.length);
        System.arraycopy(MORE_ANSWER, 0, answers, ANSWER.length, MORE_ANSWER.length);
        return report(List.of(SYN, ACK, CLIENT_DATA, SERVER_DATA, SERVER_DATA, SERVER_CLOSE),
                "sent " + quote(REQUEST) + ", read " + quote(read) + ", then end of stream", Arrays.equals(read, answers), TYPO_NOTE);
    }

    private void heading(String title) {
        out.println();
        out.println(title);
    }

    /**
     * Prints the messages the client saw, what it got, an optional note, and whether the
     * messages match the seed's.
     *
     * @return whether they match and the client got what it should
     */
    private boolean report(List<MessageType> expected, String outcome, boolean outcomeRight, String note) {
        List<TraceRecorder.Entry> observed = trace.take();
        for (TraceRecorder.Entry entry : observed) {
            out.println(INDENT + entry.line());
        }
        out.println(INDENT + "client: " + outcome + (outcomeRight ? "" : " - not what this sample expects"));
        if (note != null) {
            out.println(INDENT + note);
        }
        List<MessageType> types = observed.stream().map(TraceRecorder.Entry::type).toList();
        boolean matches = types.equals(expected);
        out.println(INDENT + (matches
                ? "matches the protocol text: " + codes(expected)
                : "differs from the protocol text: expected " + codes(expected) + ", observed " + codes(types)));
        out.flush();
        return matches && outcomeRight;
    }

    private static String codes(List<MessageType> types) {
        return types.stream()
                .map(type -> type == null ? "??" : String.format("%02X", type.code()))
                .collect(Collectors.joining(" "));
    }

    private static String quote(byte[] bytes) {
        return '"' + new String(bytes, StandardCharsets.US_ASCII) + '"';
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
