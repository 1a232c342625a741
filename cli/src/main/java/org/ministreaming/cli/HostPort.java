package org.ministreaming.cli;

import java.net.InetSocketAddress;
import java.util.regex.Pattern;
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

    private static final int MAX_NAME = 253;
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}(?:%[A-Za-z0-9_.-]{1,32})?");

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
        String hostProblem = hostProblem(host);
        if (hostProblem != null) {
            throw new IllegalArgumentException("'" + text + "': " + hostProblem);
        }
        return new HostPort(host, port);
    }

    /**
     * Why {@code host} cannot be a host name or address (RFC 1123 names: at most 253 characters,
     * labels of 1 to 63 letters, digits, hyphens or underscores; or an IPv6 address), or
     * {@code null} if it can. Checked at start, so a command fails at once instead of at its first
     * connection.
     */
    private static String hostProblem(String host) {
        if (host.indexOf(':') >= 0) {
            return IPV6.matcher(host).matches() ? null : "the host is not an IPv6 address";
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.length() > MAX_NAME) {
            return "the host name has " + name.length() + " characters, more than the " + MAX_NAME + " a host name may have";
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return "the host name's part '" + (label.length() > 70 ? label.substring(0, 70) + "..." : label)
                        + "' is not 1 to 63 letters, digits, hyphens or underscores";
            }
        }
        return null;
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
