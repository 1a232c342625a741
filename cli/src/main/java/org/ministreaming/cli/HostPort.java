package org.ministreaming.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A TCP address on the command line, {@code HOST:PORT} ({@code [ADDRESS]:PORT} for IPv6).
 * The host is looked up only when the address is used. Immutable and thread-safe.
 *
 * @param host a name or address, without brackets
 * @param port 0 to 65535
 */
record HostPort(String host, int port) {

    /**
     * Reads {@code HOST:PORT}.
     *
     * @param anyPort whether port 0 (any free port) is allowed
     * @throws IllegalArgumentException if it is not of that form
     */
    static HostPort parse(String text, boolean anyPort) {
        String expected = "'" + text + "' is not HOST:PORT" + (anyPort ? " (port 0 for any free port)" : " with a port from 1 to 65535");
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(expected);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException(expected + "; write an IPv6 address in brackets, like [::1]:80");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(expected, e);
        }
        if (host.isEmpty() || port < (anyPort ? 0 : 1) || port > 65535) {
            throw new IllegalArgumentException(expected);
        }
        return new HostPort(host, port);
    }

    /** The address, looked up now. */
    InetSocketAddress resolve() {
        return new InetSocketAddress(host, port);
    }

    /** {@code HOST:PORT}, with brackets around an IPv6 address. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Reads an address to connect to: port 1 to 65535. Stateless and thread-safe. */
    static final class Converter implements ITypeConverter<HostPort> {
        /** A bad address is a usage error. */
        @Override
        public HostPort convert(String text) {
            try {
                return parse(text, false);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Reads an address to listen on: port 0 picks a free one. Stateless and thread-safe. */
    static final class ListenConverter implements ITypeConverter<HostPort> {
        /** A bad address is a usage error. */
        @Override
        public HostPort convert(String text) {
            try {
                return parse(text, true);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
