package org.ministreaming.cli;

import java.io.IOException;
import java.util.Locale;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.transport.memory.MemoryNetwork;
import org.ministreaming.transport.tcp.TcpTransport;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The transports the demo can run on ({@code demo --transport}): the in-memory network, or TCP
 * on the loopback interface with ports the system picks.
 *
 * <p>Immutable and thread-safe; the {@link Network}s it makes are not.
 */
enum DemoTransport {

    /** An in-memory network inside this process: endpoints {@code mem:NAME}. */
    MEM {
        @Override
        Network network(LossyLink link) {
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
        Network network(LossyLink link) {
            return (name, listening, options) -> StreamManager.open(listening
                    ? TcpTransport.plain().listen("tcp://127.0.0.1:0").build()
                    : TcpTransport.plain().build(), options);
        }

        @Override
        String route(String from, String to) {
            return "from the " + from + " (TCP, not listening) to the " + to + " (TCP on loopback)";
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
         * @throws IOException if the endpoint cannot start
         */
        StreamManager open(String name, boolean listening, StreamOptions options) throws IOException;
    }

    /**
     * A fresh network: endpoints opened on it can reach each other.
     *
     * @param link for the in-memory network, its faults and the reliable layer; TCP ignores it
     */
    abstract Network network(LossyLink link);

    /** How the bulk transfer's route reads in the demo's output. */
    abstract String route(String from, String to);

    /** Reads {@code mem} or {@code tcp}, in any case, for picocli. Stateless and thread-safe. */
    static final class Converter implements ITypeConverter<DemoTransport> {
        /** A name other than {@code mem} or {@code tcp} is a usage error. */
        @Override
        public DemoTransport convert(String text) {
            try {
                return valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + text + "' is not a demo transport; give mem or tcp");
            }
        }
    }
}
