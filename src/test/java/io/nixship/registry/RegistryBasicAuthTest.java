package io.nixship.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nixship.NixshipException;
import io.nixship.image.OciImage;
import io.nixship.testsupport.RegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryBasicAuthTest {
    private static final String USER = "pusher";
    private static final String PASSWORD = "s3cret-Pa55word-xyz";

    private RegistryServer registry;
    private RecordingSleeper sleeper;

    @BeforeEach
    void startRegistry() {
        registry = RegistryServer.startWithBasicAuth(USER, PASSWORD);
        sleeper = new RecordingSleeper();
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    private RegistryClient client(Optional<RegistryCredentials> credentials) {
        return new RegistryClient(
                registry.host(),
                credentials,
                RegistrySettings.defaults().withRetry(sleeper.policy()),
                BlobLocations.inMemory());
    }

    @Test
    void rightCredentialsPushTheImage() throws Exception {
        OciImage image = TestImages.imageOfSeeds(1, 2);

        PushResult result =
                client(Optional.of(new RegistryCredentials(USER, PASSWORD)))
                        .push(
                                image,
                                RegistryTarget.parse(registry.host() + "/app:v1"),
                                List.of(),
                                PushListener.NONE);

        assertThat(result.digest()).isEqualTo(image.manifestDigest());
        assertThat(registry.completedBlobUploads()).isEqualTo(3);
        String inspected =
                RegistryPushTest.skopeo(
                        "inspect",
                        "--tls-verify=false",
                        "--creds",
                        USER + ":" + PASSWORD,
                        "docker://" + registry.host() + "/app:v1");
        assertThat(inspected).contains(image.manifestDigest());
    }

    @Test
    void wrongPasswordFailsFastWithOneLineNaming401AndNoRetry() {
        OciImage image = TestImages.imageOfSeeds(1);

        NixshipException failure =
                catchThrowableOfType(
                        NixshipException.class,
                        () ->
                                client(
                                                Optional.of(
                                                        new RegistryCredentials(
                                                                USER, "wrong-password-123")))
                                        .push(
                                                image,
                                                RegistryTarget.parse(registry.host() + "/app:v1"),
                                                List.of(),
                                                PushListener.NONE));

        assertThat(failure.getMessage())
                .contains("401")
                .contains("UNAUTHORIZED")
                .contains(registry.host())
                .doesNotContain("\n")
                .doesNotContain("wrong-password-123");
        assertThat(failure.exitCode()).isEqualTo(NixshipException.FAILURE);
        assertThat(sleeper.waits()).isEmpty();
        // One anonymous probe to learn the scheme, one with the credentials; nothing after the
        // refusal.
        assertThat(registry.requests()).hasSizeLessThanOrEqualTo(2 + 1);
        assertThat(registry.requests()).allMatch(r -> r.path().equals("/v2/"));
    }

    @Test
    void noCredentialsAgainstAnAuthenticatedRegistryNames401() {
        NixshipException failure =
                catchThrowableOfType(NixshipException.class, () -> client(Optional.empty()).ping());

        assertThat(failure.getMessage()).contains("401").doesNotContain("\n");
        assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void credentialsNeverAppearInOutputLogsOrErrors() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String failureText;
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            System.setErr(capture);
            client(Optional.of(new RegistryCredentials(USER, PASSWORD)))
                    .push(
                            TestImages.imageOfSeeds(3),
                            RegistryTarget.parse(registry.host() + "/app:v1"),
                            List.of(),
                            PushListener.NONE);
            NixshipException failure =
                    catchThrowableOfType(
                            NixshipException.class,
                            () ->
                                    client(
                                                    Optional.of(
                                                            new RegistryCredentials(
                                                                    USER, PASSWORD + "-nope")))
                                            .push(
                                                    TestImages.imageOfSeeds(4),
                                                    RegistryTarget.parse(
                                                            registry.host() + "/app:v2"),
                                                    List.of(),
                                                    PushListener.NONE));
            failureText = failure.toString() + " " + failure.getCause();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }

        String basic =
                java.util.Base64.getEncoder()
                        .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        for (String text :
                List.of(
                        captured.toString(StandardCharsets.UTF_8),
                        failureText,
                        registry.logText())) {
            assertThat(text).doesNotContain(PASSWORD).doesNotContain(basic);
        }
        assertThat(new RegistryCredentials(USER, PASSWORD).toString()).doesNotContain(PASSWORD);
    }
}
