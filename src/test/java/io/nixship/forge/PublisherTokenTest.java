package io.nixship.forge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.nixship.NixshipException;
import io.nixship.pipeline.port.PublishRequest;
import io.nixship.testsupport.GitRemoteFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushing with a token over HTTP to a git server that demands it: the token goes only into the
 * Authorization header as {@code x-access-token}, never into the URL, .git/config or the error.
 */
@ExtendWith(IsolatedGitConfig.class)
class PublisherTokenTest {
    private static final String TOKEN = "ghs_PUSHtoken0123456789abcdef";
    private static final String BASIC =
            "Basic "
                    + Base64.getEncoder()
                            .encodeToString(
                                    ("x-access-token:" + TOKEN).getBytes(StandardCharsets.UTF_8));
    private static final String INFO_REFS = "/acme/shop.git/info/refs";

    @RegisterExtension
    static WireMockExtension gitServer =
            WireMockExtension.newInstance()
                    .options(wireMockConfig().dynamicPort())
                    .failOnUnmatchedRequests(true)
                    .build();

    @TempDir Path dir;
    private GitRemoteFixture git;

    @BeforeEach
    void setUp() throws Exception {
        git = GitFixture.withManifest(dir);
        gitServer.stubFor(
                get(anyUrl())
                        .withHeader("Authorization", absent())
                        .willReturn(
                                aResponse()
                                        .withStatus(401)
                                        .withHeader("WWW-Authenticate", "Basic realm=\"GitHub\"")));
        gitServer.stubFor(
                get(urlPathEqualTo(INFO_REFS))
                        .withHeader("Authorization", equalTo(BASIC))
                        .willReturn(
                                aResponse()
                                        .withStatus(403)
                                        .withBody(
                                                "Permission to acme/shop.git denied to github-actions[bot].")));
    }

    @AfterEach
    void tearDown() {
        git.close();
    }

    @Test
    void theTokenIsSentAsBasicAuthAndAppearsNowhereElse() throws Exception {
        String remote = gitServer.baseUrl() + "/acme/shop.git";
        ManifestBranchPublisher publisher =
                ManifestBranchPublisher.withToken(git.repository(), remote, TOKEN);

        assertThatThrownBy(
                        () ->
                                publisher.publish(
                                        new PublishRequest(
                                                "nixship/acme/shop-api",
                                                git.repository().resolve("refs/heads/main").name(),
                                                GitRemoteFixture.edit(
                                                        "k8s/deployment.yaml", "image: x:2\n"),
                                                "x:1",
                                                "x:2",
                                                "abc")))
                .isInstanceOf(NixshipException.class)
                .satisfies(
                        e ->
                                assertThat(e.getMessage())
                                        .startsWith(
                                                "reading branch nixship/acme/shop-api from "
                                                        + remote)
                                        .endsWith(
                                                "; the token needs contents: write on the repository")
                                        .doesNotContain(TOKEN)
                                        .doesNotContain("\n"));

        gitServer.verify(
                getRequestedFor(urlPathEqualTo(INFO_REFS))
                        .withHeader("Authorization", equalTo(BASIC)));
        for (LoggedRequest request : gitServer.findAll(anyRequestedFor(anyUrl()))) {
            assertThat(request.getUrl()).doesNotContain(TOKEN);
        }
        String config =
                Files.readString(git.repository().getDirectory().toPath().resolve("config"));
        assertThat(config).doesNotContain(TOKEN).doesNotContain("x-access-token");
    }
}
