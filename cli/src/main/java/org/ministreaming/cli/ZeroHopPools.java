package org.ministreaming.cli;

import java.util.Map;
import net.i2p.data.Hash;
import net.i2p.router.RouterContext;
import net.i2p.router.TunnelManagerFacade;
import net.i2p.router.TunnelPoolSettings;
import net.i2p.router.tunnel.pool.TunnelPool;
import net.i2p.router.tunnel.pool.TunnelPoolManager;

/**
 * Gives every client session of a {@link PrivateRouter} tunnels of zero hops, whatever lengths
 * the session asked for: a router without peers cannot build longer ones, and a session that
 * asks for I2P's default (three hops) would otherwise wait for its tunnels for ever.
 *
 * <p>I2P's router has no setting for the length of client tunnels (a session's {@code
 * inbound.length} and {@code outbound.length} decide, signed by the session), so a thread looks
 * at the router's client tunnel pools every {@value #POLL_MILLIS} ms and sets the length of any
 * longer than zero hops to zero, the way I2P's router console changes a pool's settings. A pool
 * changed a moment after its session opened has built nothing yet: there are no peers to build
 * longer tunnels through.
 *
 * <p>Thread-safe: {@link #start} starts the thread, {@link #stop} ends it and is idempotent.
 */
final class ZeroHopPools {

    /** How often the pools are looked at. */
    static final long POLL_MILLIS = 50;

    private final TunnelPoolManager pools;
    private final Thread thread;

    private ZeroHopPools(TunnelPoolManager pools) {
        this.pools = pools;
        this.thread = new Thread(this::run, "ministreaming-router-zero-hop");
        thread.setDaemon(true);
    }

    /**
     * Starts the thread for the router of {@code context}.
     *
     * @throws IllegalStateException if the router's tunnel manager is not I2P's usual one
     */
    static ZeroHopPools start(RouterContext context) {
        TunnelManagerFacade manager = context.tunnelManager();
        if (!(manager instanceof TunnelPoolManager pools)) {
            throw new IllegalStateException("the router's tunnel manager is not I2P's TunnelPoolManager: " + manager);
        }
        ZeroHopPools started = new ZeroHopPools(pools);
        started.thread.start();
        return started;
    }

    /** Ends the thread and waits until it has. Idempotent. */
    void stop() {
        thread.interrupt();
        try {
            thread.join(POLL_MILLIS * 20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            shorten(pools.getInboundClientPools(), true);
            shorten(pools.getOutboundClientPools(), false);
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Sets every pool of {@code byClient} that builds longer tunnels to zero hops. */
    private void shorten(Map<Hash, TunnelPool> byClient, boolean inbound) {
        for (Map.Entry<Hash, TunnelPool> entry : byClient.entrySet()) {
            TunnelPoolSettings settings = entry.getValue().getSettings();
            if (settings == null || settings.getLength() == 0 && settings.getLengthVariance() == 0) {
                continue;
            }
            settings.setLength(0);
            settings.setLengthVariance(0);
            // Setting them again makes the pool see the change and build what it lacks now.
            if (inbound) {
                pools.setInboundSettings(entry.getKey(), settings);
            } else {
                pools.setOutboundSettings(entry.getKey(), settings);
            }
        }
    }
}
