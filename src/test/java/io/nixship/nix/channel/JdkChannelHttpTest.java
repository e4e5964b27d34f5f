package io.nixship.nix.channel;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.nixship.NixshipException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The channel client against real sockets that misbehave: each failure says what happened. */
class JdkChannelHttpTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir Path dir;

    @Test
    void aServerThatAcceptsButNeverAnswersTimesOutInWords() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            URI uri = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/nixos-24.05");
            Thread acceptor = new Thread(() -> holdOpen(silent));
            acceptor.setDaemon(true);
            acceptor.start();

            assertThatThrownBy(
                            () ->
                                    new JdkChannelHttp(Duration.ofSeconds(5), Duration.ofSeconds(1))
                                            .get(uri))
                    .isInstanceOf(NixshipException.class)
                    .hasMessage(
                            "cannot reach "
                                    + uri
                                    + ": connected, but no answer within 1s; check the network and"
                                    + " --channel-url");
        }
    }

    @Test
    void aSelfSignedCertificateIsNamedAsUntrusted() throws Exception {
        HttpsServer server =
                HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(selfSigned()));
        server.createContext(
                "/",
                exchange -> {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                });
        server.start();
        try {
            URI uri =
                    URI.create(
                            "https://127.0.0.1:" + server.getAddress().getPort() + "/nixos-24.05");

            assertThatThrownBy(() -> new JdkChannelHttp().get(uri))
                    .isInstanceOf(NixshipException.class)
                    .hasMessage(
                            "cannot reach "
                                    + uri
                                    + ": TLS handshake failed: the server's certificate is not signed by a"
                                    + " CA this machine trusts; check the network and --channel-url");
        } finally {
            server.stop(0);
        }
    }

    private static void holdOpen(ServerSocket server) {
        try (Socket accepted = server.accept();
                InputStream in = accepted.getInputStream()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // The test closed the server: nothing more to hold.
        }
    }

    /** A certificate for 127.0.0.1 that no CA signed, made with the JDK's keytool. */
    private SSLContext selfSigned() throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool =
                new ProcessBuilder(
                                List.of(
                                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                                .toString(),
                                        "-genkeypair",
                                        "-alias",
                                        "server",
                                        "-keyalg",
                                        "RSA",
                                        "-keysize",
                                        "2048",
                                        "-validity",
                                        "2",
                                        "-dname",
                                        "CN=127.0.0.1",
                                        "-ext",
                                        "SAN=ip:127.0.0.1",
                                        "-storetype",
                                        "PKCS12",
                                        "-keystore",
                                        store.toString(),
                                        "-storepass",
                                        new String(PASSWORD),
                                        "-keypass",
                                        new String(PASSWORD)))
                        .redirectErrorStream(true)
                        .start();
        String output = new String(keytool.getInputStream().readAllBytes(), UTF_8);
        if (keytool.waitFor() != 0) {
            throw new AssertionError("keytool failed: " + output);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory managers =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        return context;
    }
}
