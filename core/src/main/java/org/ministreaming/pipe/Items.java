package org.ministreaming.pipe;

/**
 * A reader's access to the items of a {@link Pipe}, under the pipe's lock, for {@link Pipe#read}
 * and {@link Pipe#poll}.
 *
 * @param <T> the items
 */
public interface Items<T> {
    /** The head, or {@code null} when the pipe is empty. */
    T peek();

    /** Removes the head, and its weight now from what the pipe holds. */
    void remove();

    /** The head was consumed in part, {@code weight} of it. */
    void consumed(long weight);

    /** Removes the head and returns it ({@code null} when the pipe is empty). */
    default T take() {
        T head = peek();
        if (head != null) {
            remove();
        }
        return head;
    }
}
