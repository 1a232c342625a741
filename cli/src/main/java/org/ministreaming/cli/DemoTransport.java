package org.ministreaming.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.i2cp.I2cpTransport;
import org.ministreaming.transport.i2cp.I2cpTransportBuilder;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.tcp.TcpTransport;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The transports the demo can run on ({@code demo --transport}): the in-memory network, TCP on
 * the loopback interface with ports the system picks, or an I2P router.
 *
 * <p>Immutable and thread-safe; the {@link Network}s it makes are not.
 */
enum DemoTransport {

    /** An in-memory network inside this process: endpoints {@code mem:NAME}. */
    MEM {
        @Override
        Network network(LossyLink link, Router router) {
            MemoryNetwork network = link.network();
            return (name, listening, options) -> StreamManager.open(link.wrap(network.endpoint(name)), options);
        }

        @Override
        String route(String from, String to) {
            return "from mem:" + from + " to mem:" + to;
        }
    },

    /** TCP over loopback: a listening endpoint on a free port of 127.0.0.1, and one that does not listen. */
    TCP {
        @Override
        Network network(LossyLink link, Router router) {
            return (name, listening, options) -> StreamManager.open(listening
                    ? TcpTransport.plain().listen("tcp://127.0.0.1:0").build()
                    : TcpTransport.plain().build(), options);
        }

        @Override
        String route(String from, String to) {
            return "from the " + from + " (TCP, not listening) to the " + to + " (TCP on loopback)";
        }
    },

    /** An I2P router: each endpoint is an I2CP session with new keys, through the reliable delivery layer. */
    I2CP {
        @Override
        Network network(LossyLink link, Router router) {
            return (name, listening, options) -> router.open(options);
        }

        @Override
        String route(String from, String to) {
            return "from the " + from + " to the " + to + " (two I2P destinations on one router)";
        }
    };

    /** Where the demo's endpoints live. Not thread-safe: open endpoints from one thread. */
    @FunctionalInterface
    interface Network {
        /**
         * Opens an endpoint and its manager.
         *
         * @param name the endpoint's role, such as {@code client}; its name on the in-memory network
         * @param listening whether peers connect to it (TCP endpoints that do not listen can only dial)
         * @param options the manager's options
         * @throws IOException if the endpoint cannot start; a {@link CommandFailure} with
         *     {@link ExitCodes#TRANSPORT_UNAVAILABLE} if the I2P router cannot be reached
         */
        StreamManager open(String name, boolean listening, StreamOptions options) throws IOException;
    }

    /**
     * The I2P router the {@link #I2CP} endpoints use ({@code demo --i2cp}, {@code --i2cp-option},
     * {@code --i2cp-timeout}). Immutable and thread-safe.
     *
     * @param address the router's I2CP address
     * @param options the session options for every endpoint
     * @param timeout how long opening a session may take
     * @param err where the progress of a slow open goes
     */
    record Router(HostPort address, List<SessionOption> options, Duration timeout, PrintWriter err) {

        /**
         * A new endpoint on the router, with new keys, through the reliable delivery layer.
         *
         * @throws CommandFailure with {@link ExitCodes#TRANSPORT_UNAVAILABLE} if the session
         *     cannot be opened in time
         */
        StreamManager open(StreamOptions streamOptions) throws CommandFailure {
            I2cpTransportBuilder builder = I2cpTransport.builder().router(address.host(), address.port()).openTimeout(timeout);
            options.forEach(option -> builder.sessionOption(option.name(), option.value()));
            I2cpTransport i2cp = builder.buildPlain();
            return I2pEndpoint.start(i2cp, builder.withReliableLayer(i2cp), address, streamOptions, err);
        }
    }

    /**
     * A fresh network: endpoints opened on it can reach each other.
     *
     * @param link for the in-memory network, its faults and the reliable layer; the others ignore it
     * @param router for {@link #I2CP}, the router; the others ignore it
     */
    abstract Network network(LossyLink link, Router router);

    /** How the bulk transfer's route reads in the demo's output. */
    abstract String route(String from, String to);

    /** Reads {@code mem}, {@code tcp} or {@code i2cp}, in any case, for picocli. Stateless and thread-safe. */
    static final class Converter implements ITypeConverter<DemoTransport> {
        /** A name other than {@code mem}, {@code tcp} or {@code i2cp} is a usage error. */
        @Override
        public DemoTransport convert(String text) {
            try {
                return valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + text + "' is not a demo transport; give mem, tcp or i2cp");
            }
        }
    }
}
