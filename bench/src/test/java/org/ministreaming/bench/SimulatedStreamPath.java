package org.ministreaming.bench;

import org.ministreaming.transport.memory.PathConditions;
import org.ministreaming.transport.memory.PathCounts;

/** A {@link StreamPath} whose two endpoints talk over a simulated I2P path that can be changed while it carries traffic. */
interface SimulatedStreamPath extends StreamPath {

    /** Sets the conditions of the path between client and server, both ways, from now on. */
    void setConditions(PathConditions conditions);

    /** What the path did so far with the messages from the client to the server. */
    PathCounts clientToServer();

    /** What the path did so far with the messages from the server to the client. */
    PathCounts serverToClient();
}
