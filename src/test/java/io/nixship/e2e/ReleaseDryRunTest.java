package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static io.nixship.e2e.ReleaseHarness.BRANCH;
import static io.nixship.e2e.ReleaseHarness.DEPLOYMENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.SharedRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code nixship release --dry-run}: the whole plan on stdout, nothing remote touched. */
@Tag("nix")
class ReleaseDryRunTest {
    /** No stubs: any request at all fails the test. */
    @RegisterExtension static WireMockExtension github = ReleaseHarness.github();

    @TempDir static Path home;
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path dir;
    private ReleaseHarness harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ReleaseHarness.create(dir, home, registry.server());
    }

    @Test
    void printsBranchDiffAndBodyAndTouchesNothingRemote() throws Exception {
        Map<String, ObjectId> refs = harness.remoteRefs();
        String deployment = harness.deployment();
        String commit = harness.project.head();
        int registryRequests = registry.server().requests().size();

        CliRun.Result result =
                harness.cli(github.baseUrl())
                        .run("release", "--dry-run", "--remote", harness.remoteUrl());

        assertThat(result.exitCode()).as(result.err()).isZero();
        String tagged = harness.image() + ":git-" + commit.substring(0, 7) + "@sha256:";
        assertThat(result.out())
                .contains("branch: " + BRANCH)
                .contains("--- a/" + DEPLOYMENT + "\n+++ b/" + DEPLOYMENT + "\n")
                .contains(
                        "-          image: "
                                + harness.image()
                                + ":git-0000000  # pinned by nixship\n")
                .contains("+          image: " + tagged)
                .contains(
                        "pull request: nixship: update acme/imgproxy-lite to imgproxy-lite:git-"
                                + commit.substring(0, 7))
                .contains("| Before | `" + harness.image() + ":git-0000000` |")
                .contains("https://github.com/acme/imgproxy-lite/commit/" + commit)
                .contains("requests==2.28.1");
        github.verify(0, anyRequestedFor(anyUrl()));
        assertThat(harness.remoteRefs()).isEqualTo(refs);
        assertThat(registry.server().requests()).hasSize(registryRequests);
        assertThat(harness.deployment()).isEqualTo(deployment);
    }

    @Test
    void worksWithNoGitHubEnvironmentAtAllAndPrintsJson() throws Exception {
        CliRun.Result result =
                CliRun.offline(harness.project.dir(), home).run("release", "--dry-run", "--json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode json = ReleaseHarness.json(result);
        assertThat(json.path("dryRun").asBoolean()).isTrue();
        assertThat(json.path("branch").asText()).isEqualTo(BRANCH);
        assertThat(json.path("changed").asBoolean()).isTrue();
        assertThat(json.path("diff").asText()).contains("+++ b/" + DEPLOYMENT);
        // Without a repository there is nothing to link: the commit is named, not linked.
        assertThat(json.path("body").asText())
                .contains("Built from commit `" + harness.project.head().substring(0, 12) + "`");
        github.verify(0, anyRequestedFor(anyUrl()));
    }
}
