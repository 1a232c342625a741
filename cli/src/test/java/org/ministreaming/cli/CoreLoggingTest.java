package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ministreaming.transport.i2cp.I2cpTransport;

/** {@link CoreLogging}: one line a record, warnings only, but the I2CP session's return is told as its loss was. */
class CoreLoggingTest {

    private static final Logger LINK = Logger.getLogger("org.ministreaming.transport.tcp.Link");

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream standardError;

    @BeforeEach
    void captureStandardError() {
        standardError = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStandardError() {
        System.setErr(standardError);
        CoreLogging.configure(false);
    }

    @Test
    void aWarningIsOneLineLikeTheCommandsErrors() {
        CoreLogging.configure(false);

        LINK.log(Level.WARNING, "link {0} is not pinned", "tls://127.0.0.1:7000");

        assertThat(captured()).isEqualTo("ministreaming: warning: link tls://127.0.0.1:7000 is not pinned\n");
    }

    @Test
    void aReceiveLimitIsNamedByItsOption() {
        LogRecord record = new LogRecord(Level.WARNING, "closing: the receive budget is exhausted (StreamOptions receiveBudget)");

        assertThat(CoreLogging.line(record, false))
                .isEqualTo("ministreaming: warning: closing: the receive budget is exhausted (raise --receive-budget)" + System.lineSeparator());
    }

    @Test
    void informationShowsOnlyWithVerbose() {
        CoreLogging.configure(false);
        LINK.info("a peer came");
        CoreLogging.configure(true);
        LINK.info("a peer went");

        assertThat(captured()).isEqualTo("ministreaming: info: a peer went\n");
    }

    @Test
    void anExceptionAddsItsMessageOrWithVerboseItsStackTrace() {
        LogRecord record = new LogRecord(Level.WARNING, "lost the session");
        record.setThrown(new IOException("the router went away"));

        assertThat(CoreLogging.line(record, false)).isEqualTo(
                "ministreaming: warning: lost the session: the router went away" + System.lineSeparator());
        assertThat(CoreLogging.line(record, true))
                .startsWith("ministreaming: warning: lost the session" + System.lineSeparator()
                        + "java.io.IOException: the router went away")
                .contains("at org.ministreaming.cli.CoreLoggingTest");
    }

    @Test
    void aRecordLoggedDuringAProgressLineStartsALineOfItsOwn() {
        CoreLogging.configure(false);
        PrintWriter err = new PrintWriter(System.err, true);
        ProgressLine progress = new ProgressLine(err, "transfer", 4L << 20, true);

        progress.accept(1L << 20);
        LINK.warning("closing a connection");
        progress.accept(4L << 20);
        progress.finish();

        assertThat(captured()).isEqualTo("\rtransfer: 1.0 of 4.0 MiB (25%)\n"
                + "ministreaming: warning: closing a connection\n"
                + "\rtransfer: 4.0 of 4.0 MiB (100%)\n");
    }

    private String captured() {
        System.err.flush();
        return captured.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    @Test
    void withoutVerboseTheI2cpSessionsReturnIsLoggedButNotOtherInformation() {
        CoreLogging.configure(false);

        System.Logger i2cp = System.getLogger(I2cpTransport.class.getName());
        System.Logger engine = System.getLogger("org.ministreaming.engine.Engine");
        assertThat(i2cp.isLoggable(System.Logger.Level.WARNING)).as("the session's loss").isTrue();
        assertThat(i2cp.isLoggable(System.Logger.Level.INFO)).as("the session is back").isTrue();
        assertThat(i2cp.isLoggable(System.Logger.Level.DEBUG)).isFalse();
        assertThat(engine.isLoggable(System.Logger.Level.INFO)).as("peers coming and going").isFalse();
        assertThat(engine.isLoggable(System.Logger.Level.WARNING)).isTrue();
    }

    @Test
    void withVerboseInformationIsLoggedEverywhere() {
        CoreLogging.configure(true);

        assertThat(System.getLogger("org.ministreaming.engine.Engine").isLoggable(System.Logger.Level.INFO)).isTrue();
        assertThat(System.getLogger(I2cpTransport.class.getName()).isLoggable(System.Logger.Level.INFO)).isTrue();
    }
}
