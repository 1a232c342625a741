package org.ministreaming.transport.i2cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.i2p.crypto.SigType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ministreaming.Async;
import org.ministreaming.testing.Await;
import org.ministreaming.StreamManager;
import org.ministreaming.StreamOptions;
import org.ministreaming.StreamSocket;
import org.ministreaming.transport.i2cp.testing.I2pRouter;
import org.ministreaming.transport.i2cp.testing.SharedRouter;

/** Plain mode, checked byte for byte at the I2CP boundary: what each {@code sendMessage} carried. */
@ExtendWith(SharedRouter.class)
class PlainModeTest {

    private static final StreamOptions ORIGINAL = StreamOptions.builder().flowControl(false).build();

    @Test
    void theConversationIsTheOriginalsOneMessagePerSendProtocolZero(I2pRouter router) throws Exception {
        I2pKeys clientKeys = I2pKeys.generate(SigType.DSA_SHA1);
        I2pKeys serverKeys = I2pKeys.generate();
        Sent clientSent = new Sent();
        Sent serverSent = new Sent();
        try (StreamManager server = StreamManager.open(Endpoints.on(router).keys(serverKeys).tap(serverSent).buildPlain(), ORIGINAL);
             StreamManager client = StreamManager.open(Endpoints.on(router).keys(clientKeys).tap(clientSent).buildPlain(), ORIGINAL)) {
            var serverSocket = server.serverSocket();
            CompletableFuture<String> served = Async.run(() -> {
                try (StreamSocket socket = serverSocket.accept(Duration.ofSeconds(30))) {
                    byte[] hello = socket.getInputStream().readNBytes(5);
                    socket.getOutputStream().write("world".getBytes(StandardCharsets.US_ASCII));
                    assertThat(socket.getInputStream().read()).as("the client's close").isEqualTo(-1);
                    return new String(hello, StandardCharsets.US_ASCII);
                }
            });
            try (StreamSocket socket = client.connect(server.localDestination())) {
                socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(socket.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("world");
            }
            assertThat(served.get(60, TimeUnit.SECONDS)).isEqualTo("hello");
            Await.until("the server's data was sent", () -> serverSent.calls().size() >= 2);
        }

        List<Sent.Call> fromClient = clientSent.calls();
        List<Sent.Call> fromServer = serverSent.calls();
        assertThat(fromClient).hasSize(3).allSatisfy(call -> {
            assertThat(call.protocol()).isZero();
            assertThat(call.to()).isEqualTo(serverKeys.i2pDestination());
        });
        assertThat(fromServer).hasSize(2).allSatisfy(call -> {
            assertThat(call.protocol()).isZero();
            assertThat(call.to()).isEqualTo(clientKeys.i2pDestination());
        });
        byte[] syn = fromClient.get(0).bytes();
        String clientId = HexFormat.of().withUpperCase().formatHex(syn, 1, 4);
        String serverId = fromServer.get(0).hex().substring(8);
        assertThat(syn).hasSize(391);
        assertThat(fromClient.get(0).hex()).isEqualTo("A1" + clientId + HexFormat.of().withUpperCase().formatHex(clientKeys.destinationBytes()));
        assertThat(fromServer.get(0).hex()).isEqualTo("51" + clientId + serverId);
        assertThat(serverId).hasSize(6);
        assertThat(fromClient.get(1).hex()).isEqualTo("A0" + serverId + "68656C6C6F");
        assertThat(fromServer.get(1).hex()).isEqualTo("50" + clientId + "776F726C64");
        assertThat(fromClient.get(2).hex()).isEqualTo("A2" + serverId);
    }
}
