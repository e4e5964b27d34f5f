package io.nixship.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A registry that stalls or answers without end cannot hang a run or fill its memory. */
class RegistryLimitsTest {
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private ServerSocket server;

    @AfterEach
    void close() throws IOException {
        for (Socket socket : held) {
            socket.close();
        }
        server.close();
    }

    /** Accepts every connection and hands each to {@code answer} on its own thread. */
    private String serve(SocketAnswer answer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept =
                new Thread(
                        () -> {
                            while (!server.isClosed()) {
                                try {
                                    Socket socket = server.accept();
                                    held.add(socket);
                                    new Thread(() -> answer.answer(socket)).start();
                                } catch (IOException closed) {
                                    return;
                                }
                            }
                        });
        accept.setDaemon(true);
        accept.start();
        return "127.0.0.1:" + server.getLocalPort();
    }

    private interface SocketAnswer {
        void answer(Socket socket);
    }

    private static RegistryClient client(String host, RecordingSleeper sleeper) {
        return new RegistryClient(
                host,
                Optional.empty(),
                RegistrySettings.defaults()
                        .withRetry(sleeper.policy().withMaxAttempts(3))
                        .withTimeout(Duration.ofSeconds(1)),
                BlobLocations.inMemory());
    }

    @Test
    void aRegistryThatAcceptsAndNeverAnswersIsRetriedThenNamedWithinItsLimit() throws Exception {
        String host = serve(socket -> {});
        RecordingSleeper sleeper = new RecordingSleeper();
        long start = System.nanoTime();

        assertThatThrownBy(() -> client(host, sleeper).ping())
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("registry " + host)
                .hasMessageContaining("after 3 attempts");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(sleeper.waits()).hasSize(2);
    }

    @Test
    void aManifestBodyOverItsCapIsRefusedWithoutReadingItWhole() throws Exception {
        long endless = 1L << 40;
        String host =
                serve(
                        socket -> {
                            try (OutputStream out = socket.getOutputStream()) {
                                out.write(
                                        ("HTTP/1.1 200 OK\r\nContent-Type:"
                                                        + " application/vnd.oci.image.manifest.v1+json\r\n"
                                                        + "Content-Length: "
                                                        + endless
                                                        + "\r\n\r\n")
                                                .getBytes(StandardCharsets.US_ASCII));
                                byte[] chunk = new byte[1 << 16];
                                for (long sent = 0; sent < endless; sent += chunk.length) {
                                    out.write(chunk);
                                }
                            } catch (IOException refused) {
                                // nixship hung up: what the test wants.
                            }
                        });

        assertThatThrownBy(() -> client(host, new RecordingSleeper()).fetchManifest("a/b", "v1"))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining(host)
                .hasMessageContaining("over " + RegistryHttp.MAX_BODY_BYTES + " bytes");
    }
}
