package org.ministreaming.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/** Every pair of states, allowed or not, for both roles. */
class StateTransitionsTest {

    private static final Map<ClientState, Set<ClientState>> CLIENT = Map.of(
            ClientState.SYN_SENT, EnumSet.of(ClientState.ESTABLISHED, ClientState.REFUSED, ClientState.CLOSED),
            ClientState.ESTABLISHED, EnumSet.of(ClientState.CLOSED),
            ClientState.REFUSED, EnumSet.noneOf(ClientState.class),
            ClientState.CLOSED, EnumSet.noneOf(ClientState.class));

    private static final Map<ServerState, Set<ServerState>> SERVER = Map.of(
            ServerState.SYN_RECEIVED, EnumSet.of(ServerState.WAITING_FOR_ACCEPT, ServerState.CLOSED),
            ServerState.WAITING_FOR_ACCEPT, EnumSet.of(ServerState.ESTABLISHED, ServerState.CLOSED),
            ServerState.ESTABLISHED, EnumSet.of(ServerState.CLOSED),
            ServerState.CLOSED, EnumSet.noneOf(ServerState.class));

    @Test
    void clientMovesOnlyAlongTheProtocol() {
        checkEveryPair(ClientState.class, CLIENT, ClientState::canMoveTo, ClientState::moveTo);
    }

    @Test
    void serverMovesOnlyAlongTheProtocol() {
        checkEveryPair(ServerState.class, SERVER, ServerState::canMoveTo, ServerState::moveTo);
    }

    /** For every pair of states: allowed exactly when the table says, and a refused move names both. */
    private static <S extends Enum<S>> void checkEveryPair(Class<S> states, Map<S, Set<S>> allowedMoves,
            BiPredicate<S, S> canMoveTo, BinaryOperator<S> moveTo) {
        for (S from : states.getEnumConstants()) {
            for (S to : states.getEnumConstants()) {
                boolean allowed = allowedMoves.get(from).contains(to);
                assertThat(canMoveTo.test(from, to)).as("%s -> %s", from, to).isEqualTo(allowed);
                if (allowed) {
                    assertThat(moveTo.apply(from, to)).isEqualTo(to);
                } else {
                    assertThatThrownBy(() -> moveTo.apply(from, to)).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining(from.name()).hasMessageContaining(to.name());
                }
            }
        }
    }

    @Test
    void finalStatesHaveNoWayOut() {
        assertThat(EnumSet.allOf(ClientState.class)).filteredOn(s -> s == ClientState.REFUSED || s == ClientState.CLOSED)
                .allSatisfy(s -> assertThat(EnumSet.allOf(ClientState.class)).noneMatch(s::canMoveTo));
        assertThat(EnumSet.allOf(ServerState.class)).noneMatch(ServerState.CLOSED::canMoveTo);
    }
}
