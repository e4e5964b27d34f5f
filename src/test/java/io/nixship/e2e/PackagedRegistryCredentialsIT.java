package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.LauncherRun;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Explicit registry credentials through {@code ./nixship}: given for the project image's registry,
 * they never reach another registry a diff side names (issue 14 hole 8a).
 */
class PackagedRegistryCredentialsIT {
    private static final String PASSWORD = "s3cret-8a-credential";

    /** A second registry that asks every caller for Basic credentials. */
    @RegisterExtension
    static WireMockExtension otherRegistry =
            WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir Path temp;

    @Test
    void diffAgainstAnImageOnASecondRegistryDoesNotSendItTheCredentials() throws IOException {
        otherRegistry.stubFor(
                any(anyUrl())
                        .willReturn(
                                aResponse()
                                        .withStatus(401)
                                        .withHeader("WWW-Authenticate", "Basic realm=\"other\"")));
        ExampleProject project = ExampleProject.create(temp.resolve("project"), Revision.REV1);
        String config = Files.readString(project.dir().resolve(".nixship.yaml"));
        String ownImage =
                config.replaceFirst("(?m)^image: .*$", "image: registry.example:5000/acme/app");
        assertThat(ownImage).contains("image: registry.example:5000/acme/app");
        project.write(".nixship.yaml", ownImage);
        String other = "127.0.0.1:" + otherRegistry.getPort() + "/acme/app";

        CliRun.Result result =
                new LauncherRun(
                                CliRun.offline(project.dir(), temp.resolve("home"))
                                        .env("INPUT_REGISTRY-PASSWORD", PASSWORD))
                        .run("diff", "--registry-username", "alice", other + ":v1", other + ":v2");

        assertThat(result.exitCode()).as(result.all()).isNotZero();
        assertThat(otherRegistry.getAllServeEvents())
                .as("the second registry was asked")
                .isNotEmpty();
        otherRegistry.verify(
                0, anyRequestedFor(anyUrl()).withHeader("Authorization", matching(".+")));
        assertThat(result.all()).doesNotContain(PASSWORD);
    }
}
