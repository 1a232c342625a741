package org.ministreaming.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The type bytes and their directions, as the seed and the original define them. */
class MessageTypeTest {

    @ParameterizedTest
    @CsvSource({
        "CLIENT_DATA,  A0, CLIENT_TO_SERVER, data",
        "SYN,          A1, CLIENT_TO_SERVER, SYN",
        "CLIENT_CLOSE, A2, CLIENT_TO_SERVER, close",
        "SERVER_DATA,  50, SERVER_TO_CLIENT, data",
        "ACK,          51, SERVER_TO_CLIENT, ACK",
        "SERVER_CLOSE, 52, SERVER_TO_CLIENT, close",
        "CLIENT_CREDIT, A3, CLIENT_TO_SERVER, credit",
        "SERVER_CREDIT, 53, SERVER_TO_CLIENT, credit",
        "PING,         A4, CLIENT_TO_SERVER, ping",
        "PONG,         54, SERVER_TO_CLIENT, pong",
        "CHAFF,        FF, EITHER,           chaff"
    })
    void eachTypeHasItsByteDirectionAndLabel(MessageType type, String hexCode, Direction direction, String label) {
        assertThat(type.code()).isEqualTo(Integer.parseInt(hexCode, 16));
        assertThat(type.direction()).isEqualTo(direction);
        assertThat(type.label()).isEqualTo(label);
        assertThat(MessageType.fromCode(type.code())).isSameAs(type);
    }

    @Test
    void sevenOriginalTypesAndFourExtensionTypesAreDefined() {
        assertThat(MessageType.values()).hasSize(11);
        assertThat(MessageType.values()).filteredOn(MessageType::isExtension)
                .containsExactlyInAnyOrder(MessageType.CLIENT_CREDIT, MessageType.SERVER_CREDIT, MessageType.PING, MessageType.PONG);
    }

    @Test
    void fromCodeOverAll256ByteValuesFindsOnlyTheDefinedTypes() {
        Set<MessageType> found = EnumSet.noneOf(MessageType.class);
        int definedCount = 0;
        for (int code = 0; code < 256; code++) {
            MessageType type = MessageType.fromCode(code);
            if (type != null) {
                definedCount++;
                found.add(type);
                assertThat(type.code()).as("code %02X", code).isEqualTo(code);
            }
        }

        assertThat(definedCount).isEqualTo(11);
        assertThat(found).containsExactlyInAnyOrder(MessageType.values());
    }

    @Test
    void fromCodeTakesASignedByteAsItsUnsignedValue() {
        assertThat(MessageType.fromCode((byte) 0xA1)).isEqualTo(MessageType.SYN);
        assertThat(MessageType.fromCode((byte) 0xFF)).isEqualTo(MessageType.CHAFF);
        assertThat(MessageType.fromCode((byte) 0x51)).isEqualTo(MessageType.ACK);
    }

    @Test
    void fromCodeLooksOnlyAtTheLowEightBits() {
        assertThat(MessageType.fromCode(0x1A0)).isEqualTo(MessageType.CLIENT_DATA);
        assertThat(MessageType.fromCode(0x7FFFFF52)).isEqualTo(MessageType.SERVER_CLOSE);
    }

    @Test
    void theClientToServerRangeIsA0ToAf() {
        for (int code = 0; code < 256; code++) {
            assertThat(MessageType.isClientToServerRange(code))
                    .as("code %02X", code)
                    .isEqualTo(code >= 0xA0 && code <= 0xAF);
        }
    }

    @Test
    void theServerToClientRangeIs50To5f() {
        for (int code = 0; code < 256; code++) {
            assertThat(MessageType.isServerToClientRange(code))
                    .as("code %02X", code)
                    .isEqualTo(code >= 0x50 && code <= 0x5F);
        }
    }

    @Test
    void eachDefinedTypesByteLiesInTheRangeOfItsDirection() {
        for (MessageType type : MessageType.values()) {
            boolean clientToServer = MessageType.isClientToServerRange(type.code());
            boolean serverToClient = MessageType.isServerToClientRange(type.code());
            assertThat(clientToServer).as("%s in A0..AF", type)
                    .isEqualTo(type.direction() == Direction.CLIENT_TO_SERVER);
            assertThat(serverToClient).as("%s in 50..5F", type)
                    .isEqualTo(type.direction() == Direction.SERVER_TO_CLIENT);
        }
    }

    @Test
    void onlyTheProtocolsTypeBytesArePlain() {
        for (int type = 0; type < 256; type++) {
            boolean expected = (type >= 0xA0 && type <= 0xAF) || (type >= 0x50 && type <= 0x5F) || type == 0xFF;
            assertThat(MessageType.isPlain(type)).as("type %02X", type).isEqualTo(expected);
            assertThat(MessageType.isPlain(type - 256)).as("type %02X as a signed byte", type).isEqualTo(expected);
        }
    }

    @Test
    void eachDirectionHasTheSeedsArrow() {
        assertThat(Direction.CLIENT_TO_SERVER.arrow()).isEqualTo("C->S");
        assertThat(Direction.SERVER_TO_CLIENT.arrow()).isEqualTo("S->C");
        assertThat(Direction.EITHER.arrow()).isEqualTo("*->*");
    }
}
