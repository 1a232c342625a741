package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.StreamManager;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/** A second session with keys that already have one on the router is reported as that. */
@ExtendWith(SharedRouter.class)
class DuplicateDestinationTest {

    @Test
    void aSecondSessionWithTheSameKeysSaysTheDestinationIsInUse(I2pRouter router) throws Exception {
        I2pKeys keys = I2pKeys.generate();
        try (StreamManager first = StreamManager.open(Endpoints.on(router).keys(keys).build())) {
            assertThatThrownBy(() -> StreamManager.open(Endpoints.on(router).keys(keys).build()))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("the I2P router at " + router.host() + ":" + router.i2cpPort() + " refused the session")
                    .hasMessageContaining(keys.base32() + " has a session there already (\"duplicate destination\")")
                    .hasMessageContaining("uses the same keys")
                    .hasMessageNotContaining("is the router running");
        }
    }
}
