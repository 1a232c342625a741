package org.ministreaming.transport.tcp;

/**
 * Short reasons for failures in messages: never {@code null}, though several JDK exceptions have
 * no message ({@code EOFException}, {@code ClosedChannelException}, an {@code UnknownHostException}
 * from a channel).
 *
 * <p>Stateless and thread-safe.
 */
final class Reasons {

    private Reasons() {
    }

    /** The message of {@code problem}, else of its first cause that has one, else its type's name. */
    static String of(Throwable problem) {
        for (Throwable t = problem; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return problem.getClass().getSimpleName();
    }
}
