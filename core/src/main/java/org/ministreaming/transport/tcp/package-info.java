/**
 * The TCP transport ({@link org.ministreaming.transport.tcp.TcpTransport}): links over TCP or
 * TLS 1.3, one TCP connection per pair of endpoints, each carrying ministreaming connections in
 * both directions, all served by one loop thread per endpoint.
 *
 * <h2>How links are named</h2>
 * Sending to a destination without a link dials one; a link a peer opens is known by the
 * destination its hello names, so this endpoint's sends to that peer use it too.
 * <ul>
 *   <li><b>Not listening.</b> An endpoint without {@link org.ministreaming.transport.tcp.TcpTransportBuilder#listen} has the destination
 *       {@code tcp:-} (or {@code tls:-}), says {@code -} in its hello, and cannot be dialled.
 *       A peer knows each link from it as {@code tcp://-@ADDR:PORT}, after the link's remote
 *       address; replies go over that link, and once it is gone the name cannot be dialled.</li>
 *   <li><b>Simultaneous links.</b> If a hello names a destination that already has a link (both
 *       sides dialled at once), the newer link is known by its remote address instead, like a
 *       peer that does not listen. Each link thus has its own name: the receiver hears every
 *       message with the name of the link it came on, replies to that name go back over that
 *       link, and losing one link never fails connections carried by the other.</li>
 *   <li><b>TLS.</b> The dialling side checks the server's certificate against its pinned
 *       fingerprints; the accepting side learns nothing certain about the client. So a
 *       {@code tls://} endpoint knows every inbound link by its remote address and sends to a
 *       {@code tls://HOST:PORT} destination only over a link it dialled and verified itself. Two
 *       TLS endpoints that both open connections to each other thus use two links.</li>
 * </ul>
 *
 * <h2>Bounds and deadlines</h2>
 * The acceptor bounds the links peers open ({@link org.ministreaming.transport.tcp.TcpTransport#refusedLinks},
 * {@link org.ministreaming.transport.tcp.TcpTransport#evictedLinks}) and survives any error; read
 * deadlines bound the handshake and hello, each frame, and links carrying nothing of ours; a send
 * budget bounds the bytes queued over all links
 * ({@link org.ministreaming.transport.tcp.TcpTransport#overBudgetLinks}). A peer that stops
 * reading holds up only the senders that wait for room on its link; a sender that offers instead
 * ({@link org.ministreaming.transport.Transport#offerLent}) is told there is no room and, when it
 * asks, when there is again ({@link org.ministreaming.transport.Transport#whenRoom}).
 *
 * <h2>Failures</h2>
 * A link ends on end of stream, a socket error, a framing violation (a bad length, a truncated
 * frame, a missing or wrong hello, or no hello within the connect timeout), a missed deadline,
 * or an error while serving it. Its queued messages are dropped, senders waiting on it get an
 * {@code IOException}, one log record gives the reason, and the receiver hears
 * {@link org.ministreaming.transport.Transport.Receiver#onPeerLost} for the link's peer. The next
 * send to that peer dials a new link. A dial that fails throws a {@link java.net.ConnectException}
 * naming the destination and reports no lost peer.
 */
package org.ministreaming.transport.tcp;
