package org.ministreaming.i2p;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import net.i2p.client.I2PSession;

/**
 * The {@link I2PSession} that {@link I2pSocketManagerAdapter#getSession()} hands out: it answers
 * what programs ask a socket manager's session for most, {@link I2PSession#getMyDestination()}
 * and {@link I2PSession#isClosed()}, and refuses everything else with an
 * {@link UnsupportedOperationException} naming the method, since the I2CP session (if any) is the
 * transport's own, and is replaced when the router comes back.
 */
final class SessionView implements InvocationHandler {

    private final I2pSocketManagerAdapter manager;

    private SessionView(I2pSocketManagerAdapter manager) {
        this.manager = manager;
    }

    /** A view of {@code manager}'s destination as an I2PSession. */
    static I2PSession of(I2pSocketManagerAdapter manager) {
        return (I2PSession) Proxy.newProxyInstance(I2PSession.class.getClassLoader(), new Class<?>[] {I2PSession.class},
                new SessionView(manager));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
        switch (method.getName()) {
            case "getMyDestination":
                return manager.addressing().toI2p(manager.streamManager().localDestination());
            case "isClosed":
                return manager.isDestroyed();
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "SessionView[" + manager + "]";
            default:
                throw new UnsupportedOperationException("I2PSession." + method.getName()
                        + ": a ministreaming socket manager's session only tells its destination and whether it is closed;"
                        + " the I2CP session (if any) is the transport's own");
        }
    }
}
