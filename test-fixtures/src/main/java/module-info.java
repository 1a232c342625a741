/**
 * Helpers the modules' tests share: bounded waits ({@link org.ministreaming.testing.Await}) and
 * checks that a test left no thread behind ({@link org.ministreaming.testing.ThreadLeaks}). Test
 * scope only; not part of the library.
 */
module org.ministreaming.testing {
    requires transitive org.assertj.core;

    exports org.ministreaming.testing;
}
