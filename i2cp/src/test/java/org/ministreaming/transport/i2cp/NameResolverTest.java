package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.i2p.client.I2PSession;
import net.i2p.client.I2PSessionException;
import org.junit.jupiter.api.Test;

/** {@link NameResolver}'s cache and checks, against a scripted session instead of a router. */
class NameResolverTest {

    private static final Duration WAIT = Duration.ofSeconds(1);

    /** Answers {@code lookupDest(name, timeout)} from a map, and records every question. */
    private static final class ScriptedRouter {
        final Map<String, net.i2p.data.Destination> names = new HashMap<>();
        final List<String> asked = new ArrayList<>();
        final List<Long> waits = new ArrayList<>();
        /** How many questions are answered only when their whole wait is over, as a missed wake-up would be. */
        int lateAnswers;
        /** How long each answer takes, within its wait. */
        long answerMillis;
        I2PSessionException failure;

        I2PSession session() {
            return (I2PSession) Proxy.newProxyInstance(I2PSession.class.getClassLoader(), new Class<?>[] {I2PSession.class},
                    (proxy, method, args) -> {
                        if (!method.getName().equals("lookupDest") || args.length != 2 || !(args[0] instanceof String)) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        asked.add((String) args[0]);
                        waits.add((Long) args[1]);
                        if (failure != null) {
                            throw failure;
                        }
                        if (lateAnswers > 0) {
                            lateAnswers--;
                            Thread.sleep((Long) args[1]);
                            return null;
                        }
                        Thread.sleep(answerMillis);
                        return names.get(args[0]);
                    });
        }
    }

    @Test
    void aFoundNameIsAskedOnceThenRemembered() throws IOException {
        ScriptedRouter router = new ScriptedRouter();
        I2pKeys keys = I2pKeys.generate();
        router.names.put("site.i2p", keys.i2pDestination());
        NameResolver resolver = new NameResolver("127.0.0.1:7654");

        assertThat(resolver.resolve(router.session(), "site.i2p", WAIT)).isEqualTo(keys.i2pDestination());
        assertThat(resolver.resolve(router.session(), "site.i2p", WAIT)).isEqualTo(keys.i2pDestination());
        assertThat(router.asked).containsExactly("site.i2p");
    }

    @Test
    void aLookupMayWaitForever() throws IOException {
        ScriptedRouter router = new ScriptedRouter();
        I2pKeys keys = I2pKeys.generate();
        router.names.put("site.i2p", keys.i2pDestination());
        NameResolver resolver = new NameResolver("127.0.0.1:7654");

        assertThat(resolver.resolve(router.session(), "site.i2p", ChronoUnit.FOREVER.getDuration())).isEqualTo(keys.i2pDestination());
    }

    @Test
    void aQuestionWhoseAnswerIsSeenOnlyAtTheEndOfItsWaitIsAskedAgainInLongerSlices() throws IOException {
        ScriptedRouter router = new ScriptedRouter();
        I2pKeys keys = I2pKeys.generate();
        router.names.put("site.i2p", keys.i2pDestination());
        router.lateAnswers = 2;
        NameResolver resolver = new NameResolver("127.0.0.1:7654", Duration.ofMillis(20));

        assertThat(resolver.resolve(router.session(), "site.i2p", Duration.ofMinutes(3))).isEqualTo(keys.i2pDestination());
        assertThat(router.asked).containsExactly("site.i2p", "site.i2p", "site.i2p");
        assertThat(router.waits).containsExactly(20L, 40L, 80L);
    }

    @Test
    void slicesEndAtTheTimeoutAndAFastNoIsFinal() {
        ScriptedRouter late = new ScriptedRouter();
        late.lateAnswers = Integer.MAX_VALUE;
        NameResolver resolver = new NameResolver("127.0.0.1:7654", Duration.ofMillis(20));
        assertThatThrownBy(() -> resolver.resolve(late.session(), "slow.i2p", Duration.ofMillis(100)))
                .isInstanceOf(UnknownHostException.class);
        assertThat(late.waits).hasSizeBetween(2, 4);
        assertThat(late.waits.stream().mapToLong(Long::longValue).sum()).isLessThanOrEqualTo(100L);

        ScriptedRouter fast = new ScriptedRouter();
        // A slice of its own long enough that a busy machine cannot make the quick answer late.
        NameResolver roomy = new NameResolver("127.0.0.1:7654", Duration.ofSeconds(2));
        assertThatThrownBy(() -> roomy.resolve(fast.session(), "gone.i2p", Duration.ofMinutes(3)))
                .isInstanceOf(UnknownHostException.class);
        assertThat(fast.asked).containsExactly("gone.i2p");
    }

    @Test
    void aB32NameTheRouterSoonSaysItCannotFindIsUnknownAfterTheTimeItTookNotTheWholeTimeout() {
        ScriptedRouter fast = new ScriptedRouter();
        fast.answerMillis = 150;
        String name = I2pKeys.generate().base32();
        NameResolver resolver = new NameResolver("127.0.0.1:7654");

        assertThatThrownBy(() -> resolver.resolve(fast.session(), name, Duration.ofMinutes(3))).isInstanceOf(UnknownHostException.class)
                .hasMessageMatching("unknown I2P name " + name.replace(".", "\\.") + ": the I2P router at 127\\.0\\.0\\.1:7654 found no"
                        + " lease set for it \\(it answered after (\\d+ ms|\\d+\\.\\d s) that its lookup found none; is that destination online\\?"
                        + " A router without peers finds only lease sets it was given\\)")
                .hasMessageNotContaining("180");

        ScriptedRouter silent = new ScriptedRouter();
        silent.lateAnswers = Integer.MAX_VALUE;
        NameResolver slices = new NameResolver("127.0.0.1:7654", Duration.ofMillis(20));
        assertThatThrownBy(() -> slices.resolve(silent.session(), name, Duration.ofSeconds(1))).isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("found no lease set for it (it had no answer within 1 s;");
    }

    @Test
    void anUnknownNameIsAskedAgainEachTime() {
        ScriptedRouter router = new ScriptedRouter();
        NameResolver resolver = new NameResolver("127.0.0.1:7654");

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> resolver.resolve(router.session(), "gone.i2p", WAIT)).isInstanceOf(UnknownHostException.class)
                    .hasMessageContaining("unknown I2P host name gone.i2p");
        }
        assertThat(router.asked).containsExactly("gone.i2p", "gone.i2p");
        assertThat(resolver.size()).isZero();
    }

    @Test
    void theCacheForgetsTheLeastRecentlyUsedNameBeyondItsCapacity() throws IOException {
        ScriptedRouter router = new ScriptedRouter();
        net.i2p.data.Destination destination = I2pKeys.generate().i2pDestination();
        for (int i = 0; i <= NameResolver.CAPACITY; i++) {
            router.names.put("host" + i + ".i2p", destination);
        }
        NameResolver resolver = new NameResolver("127.0.0.1:7654");
        for (int i = 0; i < NameResolver.CAPACITY; i++) {
            resolver.resolve(router.session(), "host" + i + ".i2p", WAIT);
        }
        resolver.resolve(router.session(), "host0.i2p", WAIT);
        router.asked.clear();

        resolver.resolve(router.session(), "host" + NameResolver.CAPACITY + ".i2p", WAIT);
        resolver.resolve(router.session(), "host0.i2p", WAIT);
        resolver.resolve(router.session(), "host1.i2p", WAIT);

        assertThat(resolver.size()).isEqualTo(NameResolver.CAPACITY);
        assertThat(router.asked).as("host1 was the least recently used, host0 was used again")
                .containsExactly("host" + NameResolver.CAPACITY + ".i2p", "host1.i2p");
    }

    @Test
    void aRouterAnsweringAB32NameWithAnotherDestinationIsNotBelieved() {
        ScriptedRouter router = new ScriptedRouter();
        String asked = I2pKeys.generate().base32();
        I2pKeys other = I2pKeys.generate();
        router.names.put(asked, other.i2pDestination());
        NameResolver resolver = new NameResolver("127.0.0.1:7654");

        assertThatThrownBy(() -> resolver.resolve(router.session(), asked, WAIT)).isInstanceOf(IOException.class)
                .isNotInstanceOf(UnknownHostException.class)
                .hasMessage("the I2P router at 127.0.0.1:7654 answered the lookup of " + asked + " with another destination, "
                        + other.base32());
        assertThat(resolver.size()).isZero();
    }

    @Test
    void aFailedLookupIsAnIoExceptionNamingTheRouter() {
        ScriptedRouter router = new ScriptedRouter();
        router.failure = new I2PSessionException("session closed");
        NameResolver resolver = new NameResolver("127.0.0.1:7654");

        assertThatThrownBy(() -> resolver.resolve(router.session(), "site.i2p", WAIT)).isInstanceOf(IOException.class)
                .hasMessage("looking up site.i2p through the I2P router at 127.0.0.1:7654 failed: session closed");
    }
}
