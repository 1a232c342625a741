package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import org.junit.jupiter.api.Test;
import org.ministreaming.ReceiveLimitException;

class ReasonsTest {

    @Test
    void aFailedLookupSaysUnknownHostWithTheHostWhenItIsNamed() {
        assertThat(Reasons.of(new UnknownHostException())).isEqualTo("unknown host");
        assertThat(Reasons.of(new UnresolvedAddressException())).isEqualTo("unknown host");
        assertThat(Reasons.of(new UnknownHostException("nosuchhost.invalid"))).isEqualTo("unknown host nosuchhost.invalid");
        assertThat(Reasons.of(new UnknownHostException("unknown host x.invalid"))).isEqualTo("unknown host x.invalid");
    }

    @Test
    void anExceptionWithoutAMessageGivesItsCausesOrItsTypeNeverNull() {
        assertThat(Reasons.of(new IOException("disk full"))).isEqualTo("disk full");
        assertThat(Reasons.of(new IOException(null, new EOFException("end of stream")))).isEqualTo("end of stream");
        assertThat(Reasons.of(new ClosedChannelException())).isEqualTo("ClosedChannelException");
        assertThat(Reasons.of(new IOException(" "))).isEqualTo("IOException");
    }

    @Test
    void aReceiveLimitNamesTheCommandLinesOptionNotTheBuilders() {
        IOException limit = new IOException("demo-receiver: closed (StreamOptions receiveBudget)",
                new ReceiveLimitException("closed (StreamOptions receiveBudget)"));
        assertThat(Reasons.of(limit)).isEqualTo("demo-receiver: closed (raise --receive-budget)");
        assertThat(Reasons.of(new ReceiveLimitException("overrun (StreamOptions plainReceiveAllowance); closed")))
                .isEqualTo("overrun (raise --plain-receive-allowance); closed");
        assertThat(Reasons.of(new IOException("(StreamOptions receiveBudget)"))).as("not a limit's error").isEqualTo("(StreamOptions receiveBudget)");
    }
}
