package org.ministreaming.cli;

import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Map;
import org.ministreaming.ReceiveLimitException;

/**
 * Short reasons for failures, for one-line errors: never {@code null}. Several JDK exceptions
 * have no message ({@link UnknownHostException} from a socket channel, {@code EOFException},
 * {@code ClosedChannelException}), which an error line would show as "null".
 *
 * <p>The library's receive limits name the {@code StreamOptions} method to raise; here they
 * name the command line's option instead ({@link #LIMIT_OPTIONS}).
 *
 * <p>Stateless and thread-safe.
 */
final class Reasons {

    /** How the library names a receive limit, and the option that sets it on the command line. */
    private static final Map<String, String> LIMIT_OPTIONS = Map.of(
            "(StreamOptions receiveBudget)", "(raise --receive-budget)",
            "(StreamOptions plainReceiveAllowance)", "(raise --plain-receive-allowance)");

    private Reasons() {
    }

    /**
     * Why {@code failure} happened, in a few words.
     *
     * @return {@code unknown host} (with the host when the exception names it) for a failed
     *     lookup; else the message of {@code failure} or of its first cause that has one, a
     *     receive limit named by its command-line option; else the name of its type, such as
     *     {@code EOFException}
     */
    static String of(Throwable failure) {
        if (failure instanceof UnknownHostException || failure instanceof UnresolvedAddressException) {
            String host = failure.getMessage();
            return host == null || host.isBlank() ? "unknown host"
                    : host.startsWith("unknown host") ? host : "unknown host " + host;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return limited(failure) ? withOptions(t.getMessage()) : t.getMessage();
            }
        }
        return failure.getClass().getSimpleName();
    }

    private static boolean limited(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ReceiveLimitException) {
                return true;
            }
        }
        return false;
    }

    /** {@code message} with the library's names of its receive limits replaced by the command line's options. */
    static String withOptions(String message) {
        String named = message;
        for (Map.Entry<String, String> limit : LIMIT_OPTIONS.entrySet()) {
            named = named.replace(limit.getKey(), limit.getValue());
        }
        return named;
    }
}
