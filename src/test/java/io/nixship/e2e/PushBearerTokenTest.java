package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.nixship.e2e.PushFixtures.inspect;
import static io.nixship.e2e.PushFixtures.push;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Bearer token flow through the CLI: a WireMock front answers 401 with a Bearer challenge
 * unless the request carries the token its realm issued, and proxies to a real docker-registry
 * otherwise. In GitHub Actions, both the password and the derived token are masked before they
 * could show. The registry names its own address in upload locations, so blob bodies go to it
 * directly (without the token: another origin); they must not pass through the front, which
 * un-gzips any request body that starts with the gzip magic, layers included.
 */
@Tag("nix")
class PushBearerTokenTest {
    private static final String USER = "ci-bot";
    private static final String SECRET = "pa55word-for-the-token-realm";
    private static final String TOKEN = "eyJ0b2tlbiI6Im5peHNoaXAtZTJlLWJlYXJlciJ9.c2lnbmF0dXJl";

    @TempDir Path root;

    @Test
    void pushThroughATokenRealmMasksPasswordAndTokenAndAsksForTheRepositoryScope() {
        ExampleProject project = ExampleProject.create(root.resolve("project"), Revision.REV1);
        WireMockServer front = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        try (RegistryServer registry = RegistryServer.start()) {
            front.start();
            String realm = "http://127.0.0.1:" + front.port() + "/token";
            front.stubFor(
                    any(urlPathMatching("/v2/.*"))
                            .atPriority(1)
                            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                            .willReturn(aResponse().proxiedFrom(registry.url())));
            front.stubFor(
                    any(urlPathMatching("/v2/.*"))
                            .atPriority(5)
                            .willReturn(
                                    aResponse()
                                            .withStatus(401)
                                            .withHeader(
                                                    "WWW-Authenticate",
                                                    "Bearer realm=\""
                                                            + realm
                                                            + "\",service=\"nixship-test\"")));
            front.stubFor(
                    get(urlPathEqualTo("/token"))
                            .withBasicAuth(USER, SECRET)
                            .willReturn(
                                    okJson("{\"token\":\"" + TOKEN + "\",\"expires_in\":300}")));
            String host = "127.0.0.1:" + front.port();
            CliRun cli =
                    CliRun.offline(root, root.resolve("home"))
                            .env("GITHUB_ACTIONS", "true")
                            .stdin(SECRET);

            CliRun.Result result =
                    push(
                            cli,
                            project,
                            host + "/acme/imgproxy-lite",
                            "--registry-username",
                            USER,
                            "--registry-password-stdin");

            String tag = "git-" + project.head().substring(0, 7);
            String digest = result.out().strip().substring(result.out().indexOf('@') + 1);
            assertThat(result.out()).startsWith(host + "/acme/imgproxy-lite:" + tag + "@");
            assertThat(
                            inspect(registry.host() + "/acme/imgproxy-lite:" + tag)
                                    .path("Digest")
                                    .asText())
                    .isEqualTo(digest);
            assertThat(registry.completedBlobUploads()).isPositive();
            assertThat(result.out()).doesNotContain(SECRET).doesNotContain(TOKEN);
            assertThat(
                            result.err()
                                    .lines()
                                    .filter(line -> line.contains(SECRET) || line.contains(TOKEN))
                                    .toList())
                    .containsExactlyInAnyOrder("::add-mask::" + SECRET, "::add-mask::" + TOKEN);
            assertThat(result.err().indexOf("::add-mask::" + TOKEN))
                    .isLessThan(result.err().indexOf("pushed "));
            front.verify(
                    getRequestedFor(urlPathEqualTo("/token"))
                            .withQueryParam(
                                    "scope", equalTo("repository:acme/imgproxy-lite:pull,push"))
                            .withQueryParam("service", equalTo("nixship-test")));

            // A re-push of the same commit through the token realm is answered from the registry.
            CliRun.Result again =
                    push(
                            CliRun.offline(root, root.resolve("home-2"))
                                    .env("GITHUB_ACTIONS", "true")
                                    .stdin(SECRET),
                            project,
                            host + "/acme/imgproxy-lite",
                            "--registry-username",
                            USER,
                            "--registry-password-stdin");
            assertThat(again.out()).isEqualTo(result.out());
            assertThat(again.err()).contains("up to date").doesNotContain("building default.nix");
            assertThat(
                            again.out()
                                    + again.err()
                                            .replace("::add-mask::" + SECRET, "")
                                            .replace("::add-mask::" + TOKEN, ""))
                    .doesNotContain(SECRET)
                    .doesNotContain(TOKEN);
        } finally {
            front.stop();
        }
    }
}
