package org.ministreaming.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Multiplies a fuzzing property's tries by the system property {@code fuzz.scale} (default 1),
 * for a longer fuzzing session than the build's, for example
 * {@code ./mvnw -B -pl core test -Dtest='DecoderPropertyTest,DispatcherPropertyTest' -Dfuzz.scale=50}.
 * Use it with {@code @AddLifecycleHook(FuzzScale.class)}.
 */
public final class FuzzScale implements AroundPropertyHook {

    /** The factor from {@code -Dfuzz.scale}, at least 1. */
    public static int factor() {
        return Math.max(1, Integer.getInteger("fuzz.scale", 1));
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        int factor = factor();
        if (factor > 1) {
            context.attributes().tries().ifPresent(tries -> context.attributes().setTries((int) Math.min(Integer.MAX_VALUE, (long) tries * factor)));
        }
        return property.execute();
    }
}
