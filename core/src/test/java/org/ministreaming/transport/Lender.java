package org.ministreaming.transport;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lends copies of messages as a transport that reads into memory of its own would
 * ({@link Transport.Receiver#onLentMessage}), each in direct memory of its own, and scribbles over
 * that memory the moment a loan is given back: a receiver that reads a view after giving it back
 * reads the scribble, not the message. Counts the loans out and the give-backs of a loan already
 * given back. Thread-safe.
 */
public final class Lender {

    /** What given-back memory is filled with. */
    public static final byte SCRIBBLE = (byte) 0xEE;

    private final Set<Loan> out = ConcurrentHashMap.newKeySet();
    private final AtomicInteger lent = new AtomicInteger();
    private final AtomicInteger givenBackAgain = new AtomicInteger();

    /** Lends {@code message} (from its position to its limit, which do not move) to {@code receiver}. */
    public void lend(Transport.Receiver receiver, Destination from, ByteBuffer message) {
        ByteBuffer memory = ByteBuffer.allocateDirect(message.remaining());
        memory.put(message.duplicate()).flip();
        Loan loan = new Loan(memory);
        out.add(loan);
        lent.incrementAndGet();
        receiver.onLentMessage(from, memory.asReadOnlyBuffer(), loan);
    }

    /** Loans not given back yet. */
    public int outstanding() {
        return out.size();
    }

    /** Messages lent so far. */
    public int lent() {
        return lent.get();
    }

    /** Give-backs of a loan that was given back already. */
    public int givenBackAgain() {
        return givenBackAgain.get();
    }

    private final class Loan implements Runnable {
        private final ByteBuffer memory;

        Loan(ByteBuffer memory) {
            this.memory = memory;
        }

        @Override
        public void run() {
            if (!out.remove(this)) {
                givenBackAgain.incrementAndGet();
                return;
            }
            for (int i = 0; i < memory.capacity(); i++) {
                memory.put(i, SCRIBBLE);
            }
        }
    }
}
