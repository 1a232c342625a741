package org.ministreaming.cli;

import java.io.PrintStream;

/**
 * What ends the process, whichever thread meets it: a thread that dies of an uncaught exception
 * is named in one line on stderr (the library's own threads catch what they can and fail only
 * what they served), and an {@link OutOfMemoryError} anywhere ends the process at once with
 * {@link ExitCodes#OUT_OF_MEMORY}, so that a supervisor restarts it instead of finding it alive
 * but unable to accept.
 *
 * <p>Thread-safe; installed once by {@link Main#main}.
 */
final class FatalErrors implements Thread.UncaughtExceptionHandler {

    /** Ends the process; {@link Runtime#halt} in production, which runs no shutdown hook that could need memory. */
    @FunctionalInterface
    interface Exit {
        void exit(int code);
    }

    private final PrintStream err;
    private final Exit exit;

    FatalErrors(PrintStream err, Exit exit) {
        this.err = err;
        this.exit = exit;
    }

    /** Handles every thread's uncaught exceptions from now on. */
    static void install() {
        Thread.setDefaultUncaughtExceptionHandler(new FatalErrors(System.err, code -> Runtime.getRuntime().halt(code)));
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        if (isOutOfMemory(error)) {
            err.println(outOfMemory(thread));
            err.flush();
            exit.exit(ExitCodes.OUT_OF_MEMORY);
            return;
        }
        err.println("ministreaming: thread " + thread.getName() + " ended: " + error);
        err.flush();
    }

    /** The one line that says the process ends for want of memory. */
    static String outOfMemory(Thread thread) {
        return "ministreaming: out of memory in thread " + thread.getName() + "; exiting (give the JVM more heap"
                + " with -Xmx, or lower the limits: --receive-budget and the connection limits)";
    }

    /** Whether {@code error} is, or was caused by, an {@link OutOfMemoryError}. */
    static boolean isOutOfMemory(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }
}
