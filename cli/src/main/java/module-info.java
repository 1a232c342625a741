/**
 * The {@code ministreaming} command-line tool: demo, tunnels, netcat, trace decoder and benchmark
 * over ministreaming's transports, and a private I2P router (I2P's {@code router} jar, an
 * automatic module). An application, not a library: it exports nothing, and opens
 * its command classes to picocli, which fills their options by reflection. Start at
 * {@link org.ministreaming.cli.Main}.
 */
@SuppressWarnings("requires-automatic")
module org.ministreaming.cli {
    requires org.ministreaming;
    requires org.ministreaming.i2cp;
    requires org.ministreaming.bench;
    requires info.picocli;
    requires router;
    requires java.logging;

    opens org.ministreaming.cli to info.picocli;
}
