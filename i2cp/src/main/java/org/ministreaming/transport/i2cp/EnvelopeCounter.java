package org.ministreaming.transport.i2cp;

/**
 * What the envelopes of reliable mode count (docs/protocol.md §15, "The handshake"); read them
 * with {@link I2cpTransport#envelopeStatistics()}. Every message dropped here is also counted in
 * {@link I2cpTransport#unattributedMessages()}.
 */
public enum EnvelopeCounter {
    /** Signed hellos sent, each carrying a frame. */
    HELLOS_SENT,
    /** Compact envelopes sent: the peer's session id and a frame. */
    COMPACT_SENT,
    /** Named envelopes (kind 01, the version before) sent, to a peer of that version or to find out whether it is one. */
    NAMED_SENT,
    /** Hellos accepted: signature, recipient, time and nonce all good. */
    HELLOS_ACCEPTED,
    /** Compact envelopes accepted: their session id is one this side gave a peer. */
    COMPACT_ACCEPTED,
    /** Named envelopes accepted from a destination that never proved itself: the sender is unproven. */
    UNPROVEN_ACCEPTED,
    /** Envelopes dropped as too short, of an unknown kind or handshake version, or with a destination that does not parse. */
    MALFORMED,
    /** Compact envelopes dropped: no peer has their session id (never given, or forgotten). */
    UNKNOWN_SESSION,
    /** Hellos dropped because their signature does not verify with the destination they name. */
    BAD_SIGNATURE,
    /** Hellos dropped because they were made for another destination. */
    WRONG_RECIPIENT,
    /** Hellos dropped because their time is further from this side's clock than the freshness window. */
    STALE_HELLO,
    /** Hellos dropped because their nonce was accepted already: a replay. */
    REPLAYED_HELLO,
    /** Named envelopes dropped because the destination they name has proven itself with a hello: a forgery. */
    NAMED_PROVEN_PEER,
    /** Named envelopes dropped because this transport refuses unproven peers. */
    UNPROVEN_REFUSED
}
