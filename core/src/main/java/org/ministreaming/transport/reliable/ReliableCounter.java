package org.ministreaming.transport.reliable;

/** What a {@link ReliableTransport} counts; read them with {@link ReliableTransport#statistics()}. */
public enum ReliableCounter {
    /** Messages sent in data frames, first transmissions only. */
    MESSAGES_SENT,
    /** Data frames sent again: after a timeout or as a fast retransmission. */
    RETRANSMITTED,
    /** Of {@link #RETRANSMITTED}, those sent again because later messages were acknowledged first. */
    FAST_RETRANSMITTED,
    /** Times the retransmission timer of a message ran out. */
    TIMEOUTS,
    /**
     * Of {@link #RETRANSMITTED}, tail-loss probes: the frame in flight sent last, sent again
     * because nothing was acknowledged for a while after the sender stopped sending.
     */
    TAIL_LOSS_PROBES,
    /**
     * Of {@link #RETRANSMITTED}, tail copies: frames in flight sent once more into room the path
     * had while no new frame could go after the sender kept it busy (a repair that holds a full
     * window back, or the last frames of a burst).
     */
    TAIL_COPIES,
    /** Acknowledgements sent in frames of their own, because no data frame could carry them in time. */
    PURE_ACKS_SENT,
    /** Messages from reliable peers handed on, in order, once each. */
    MESSAGES_DELIVERED,
    /** Data frames that arrived again after their message was delivered or held: dropped. */
    DUPLICATES_DISCARDED,
    /** Data frames that arrived before an earlier one and were held until it came. */
    OUT_OF_ORDER_HELD,
    /** Data frames too far ahead of the next expected one to hold: dropped, to be sent again. */
    OUT_OF_WINDOW,
    /** Frames of a previous epoch, or addressed to one of ours that is gone: dropped. */
    STALE_FRAMES,
    /** Resets sent to a peer that used an epoch we do not know. */
    RESETS_SENT,
    /** Peers declared unreachable: the retry limit reached. */
    PEERS_LOST,
    /** Replies dropped because the peer's window and the allowance beyond it were full. */
    REPLIES_DROPPED,
    /** Peers whose state was dropped when the engine forgot them, with nothing in flight. */
    PEERS_FORGOTTEN,
    /**
     * Forgotten peers whose first frame since belonged to the streams as they stood (it named both
     * epochs): the streams went on where they were instead of being reset.
     */
    PEERS_RESUMED,
    /** Peers that started afresh (a new epoch, a reset, or plain messages after frames): their old connections failed. */
    PEERS_RESTARTED,
    /** Opening messages sent plain with this layer's offer to a peer not heard from yet, retransmissions included. */
    PROBES_SENT,
    /** Plain messages with this layer's offer received, each taken as the data frame it stands for. */
    PROBES_RECEIVED,
    /**
     * Probes with a new epoch and plain messages from a peer that speaks frames, over a transport
     * that proves who sent its frames: dropped, as anyone could have sent them in its name.
     */
    UNPROVEN_CLAIMS_DROPPED,
    /** Peers found to speak plain ministreaming, who get plain messages back. */
    PLAIN_PEERS,
    /** Frames that arrived from a peer we treat as plain: dropped and answered with one {@code FF}. */
    FRAMES_FROM_PLAIN_PEERS,
    /** Messages starting with the frame type that are not well-formed frames: dropped. */
    MALFORMED_FRAMES,
    /** Peers whose segments added up to more than a message may be: what they sent was dropped, and their state with it. */
    OVERSIZED_MESSAGES
}
