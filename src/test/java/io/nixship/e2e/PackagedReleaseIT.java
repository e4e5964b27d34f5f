package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.e2e.ReleaseHarness.BRANCH;
import static io.nixship.e2e.ReleaseHarness.PULLS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.LauncherRun;
import io.nixship.testsupport.SharedRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./nixship release} from the packaged jar, twice: the second run edits the pull request the
 * first opened, a PATCH, which the jar's HTTP connector must be able to send.
 */
class PackagedReleaseIT {
    @RegisterExtension static WireMockExtension github = ReleaseHarness.github();
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path dir;
    @TempDir Path home;

    @Test
    void theFirstReleaseOpensThePullRequestAndTheNextAfterANewCommitUpdatesIt() throws Exception {
        ReleaseHarness harness = ReleaseHarness.create(dir, home, registry.server());
        ReleaseHarness.stubPullRequestLifecycle(github);

        CliRun.Result first = release(harness);

        PackagedRuns.assertSucceeded(first);
        JsonNode opened = ReleaseHarness.json(first);
        assertThat(opened.path("operation").asText()).isEqualTo("created");
        assertThat(opened.path("number").asInt()).isEqualTo(12);
        assertThat(harness.remoteBranch(BRANCH)).isPresent();

        harness.project.write(
                "app.py", Files.readString(harness.project.dir().resolve("app.py")) + "\n# v2\n");
        String secondCommit = harness.commitAndPush("app: v2");
        CliRun.Result second = release(harness);

        PackagedRuns.assertSucceeded(second);
        JsonNode updated = ReleaseHarness.json(second);
        assertThat(updated.path("operation").asText()).isEqualTo("updated");
        assertThat(updated.path("number").asInt()).isEqualTo(opened.path("number").asInt());
        assertThat(updated.path("image").asText())
                .contains(":git-" + secondCommit.substring(0, 7) + "@sha256:");
        assertThat(harness.remoteCommit(BRANCH).getParent(0).getName()).isEqualTo(secondCommit);
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
        // github-api edits one field per request.
        github.verify(
                1,
                patchRequestedFor(urlPathEqualTo(PULLS + "/12"))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.title",
                                        equalTo(
                                                "nixship: update acme/imgproxy-lite to imgproxy-lite:git-"
                                                        + secondCommit.substring(0, 7)))));
        github.verify(
                1,
                patchRequestedFor(urlPathEqualTo(PULLS + "/12"))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.body", containing(updated.path("image").asText()))));
        assertThat(first.all() + second.all()).doesNotContain(ReleaseHarness.TOKEN);
    }

    private CliRun.Result release(ReleaseHarness harness) {
        return new LauncherRun(harness.cli(github.baseUrl()))
                .run("release", "--remote", harness.remoteUrl(), "--json");
    }
}
