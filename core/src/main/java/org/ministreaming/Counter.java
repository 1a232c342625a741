package org.ministreaming;

/**
 * Events a manager counts. Everything a peer sends that the engine drops, refuses or fails on
 * has a counter here, so abuse and defects show up without reading logs. Immutable and
 * thread-safe.
 */
public enum Counter {
    /** Messages handed to the engine by the transport. */
    MESSAGES_RECEIVED,
    /** Messages the engine gave the transport to send. */
    MESSAGES_SENT,
    /** Messages the codec rejected: too short, id 0, or a bad ACK payload. */
    MALFORMED,
    /** Messages with a type byte the protocol does not define. */
    UNKNOWN_TYPE,
    /** Chaff received (including the original's 1-byte ping). */
    CHAFF,
    /** Data or closes for an id no connection with that peer has, or whose connection has just ended. */
    UNKNOWN_CONNECTION,
    /** Messages that do not fit their connection's state: data before the ACK, a repeated ACK, a second ACK. */
    UNEXPECTED,
    /** SYNs repeated for a connection that is still alive; no second connection was made. */
    DUPLICATE_SYN,
    /** SYNs refused: no server socket, backlog full, or refused from the backlog when the server socket closed. */
    SYN_REFUSED,
    /** Incoming connections refused because nobody accepted them in time. */
    ACCEPT_TIMEOUT,
    /** ACKs for a client id with no connection (one that came after the client gave up, or a stray one), answered with a close. */
    LATE_ACK,
    /** Connections without flow control closed because the peer sent more than the plain allowance ahead of the reader. */
    OVERRUN,
    /** Connections closed, their unread bytes discarded, because the manager's receive budget was exhausted. */
    RECEIVE_BUDGET_EXHAUSTED,
    /** Connections closed because the peer broke the credit rules (sent beyond its credit, or granted beyond its window). */
    CREDIT_VIOLATION,
    /** Credit messages on a connection that did not agree to the extension. */
    EXTENSION_ON_PLAIN,
    /** SYNs refused, or connects failed, because the manager holds its most connections. */
    REFUSED_CONNECTION_LIMIT,
    /** SYNs refused, or connects failed, because the peer has its most connections. */
    REFUSED_PEER_LIMIT,
    /** SYNs refused because the peer sent more per second than allowed. */
    REFUSED_SYN_RATE,
    /** SYNs refused because the peer already holds its share (half) of the accept backlog. */
    REFUSED_PEER_BACKLOG,
    /** Messages larger than the largest accepted; a data message among them closes its connection. */
    OVERSIZE_MESSAGE,
    /** Connections closed because the peer was not heard from within the idle timeout. */
    IDLE_CLOSED,
    /** Pings answered with a pong. */
    PINGS_ANSWERED,
    /** Sends the transport failed on. */
    SEND_FAILED,
    /** Times the transport reported a peer lost (a cut link, a retry limit, a lost router); its connections failed. */
    PEERS_LOST,
    /** Defects in the engine caught at the dispatcher; should stay 0. */
    INTERNAL_ERROR
}
