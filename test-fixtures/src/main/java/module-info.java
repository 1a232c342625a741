/**
 * Helpers the modules' tests share: bounded waits ({@link org.ministreaming.testing.Await}),
 * checks that a test left no thread behind ({@link org.ministreaming.testing.ThreadLeaks}) and
 * what a logger published ({@link org.ministreaming.testing.LogCapture}). Test
 * scope only; not part of the library.
 */
module org.ministreaming.testing {
    requires transitive org.assertj.core;
    requires transitive java.logging;

    exports org.ministreaming.testing;
}
