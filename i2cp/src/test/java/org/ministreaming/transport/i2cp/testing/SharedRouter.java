package org.ministreaming.transport.i2cp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link I2pRouter} for the whole test run: tests annotated with
 * {@code @ExtendWith(SharedRouter.class)} take an {@code I2pRouter} parameter (in a constructor,
 * a {@code @BeforeAll} or {@code @BeforeEach} method, or a test method). The router starts on first
 * use and stops when the run ends: it is kept in the root context's store, which closes
 * {@link AutoCloseable} values.
 *
 * <p>Tests must not kill or restart the shared router; those that do start their own.
 */
public final class SharedRouter implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SharedRouter.class);

    /** Resolves parameters of type {@link I2pRouter}. */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == I2pRouter.class;
    }

    /** The shared router, started by the first call. */
    @Override
    public I2pRouter resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            return context.getRoot().getStore(NAMESPACE)
                    .getOrComputeIfAbsent(I2pRouter.class, key -> startRouter(), I2pRouter.class);
        } catch (UncheckedIOException e) {
            throw new ParameterResolutionException("could not start the shared I2P router",
                    e.getCause());
        }
    }

    private static I2pRouter startRouter() {
        try {
            return I2pRouter.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
