package org.ministreaming.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ministreaming.transport.i2cp.testing.I2pRouter;

/** Command lines for the test router: its I2CP address and its zero-hop session options. */
final class I2pArgs {

    private I2pArgs() {
    }

    /** {@code --i2cp HOST:PORT} and an {@code --i2cp-option} for each of the router's session options. */
    static List<String> on(I2pRouter router) {
        List<String> args = new ArrayList<>(List.of("--i2cp", router.host() + ":" + router.i2cpPort()));
        router.sessionOptions().forEach((name, value) -> {
            if (!((String) name).startsWith("i2cp.tcp.")) {
                args.add("--i2cp-option");
                args.add(name + "=" + value);
            }
        });
        return args;
    }

    /**
     * The error output without the lines that say what an I2CP command waits for, which a slow
     * moment of the test router can bring ({@link WaitProgress}).
     */
    static String withoutProgress(String err) {
        return err.replaceAll("ministreaming: (still )?waiting for [^\n]*\n", "");
    }

    /** {@code before}, the router's options, then {@code after}: a whole command line. */
    static String[] command(I2pRouter router, List<String> before, String... after) {
        return Stream.of(before.stream(), on(router).stream(), Stream.of(after)).flatMap(s -> s).toArray(String[]::new);
    }
}
