package org.ministreaming.cli;

import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

/**
 * Short reasons for failures, for one-line errors: never {@code null}. Several JDK exceptions
 * have no message ({@link UnknownHostException} from a socket channel, {@code EOFException},
 * {@code ClosedChannelException}), which an error line would show as "null".
 *
 * <p>Stateless and thread-safe.
 */
final class Reasons {

    private Reasons() {
    }

    /**
     * Why {@code failure} happened, in a few words.
     *
     * @return {@code unknown host} (with the host when the exception names it) for a failed
     *     lookup; else the message of {@code failure} or of its first cause that has one; else
     *     the name of its type, such as {@code EOFException}
     */
    static String of(Throwable failure) {
        if (failure instanceof UnknownHostException || failure instanceof UnresolvedAddressException) {
            String host = failure.getMessage();
            return host == null || host.isBlank() ? "unknown host"
                    : host.startsWith("unknown host") ? host : "unknown host " + host;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return failure.getClass().getSimpleName();
    }
}
