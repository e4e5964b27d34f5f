package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.e2e.GitOpsHarness.BRANCH;
import static io.nixship.e2e.GitOpsHarness.MANIFEST;
import static io.nixship.e2e.GitOpsHarness.PULLS;
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
 * {@code ./nixship release} from the packaged jar with the manifests in a second repository: one
 * pull request there, updated on the next push, and no branch or pull request once the image is
 * deployed.
 */
class PackagedGitOpsReleaseIT {
    @RegisterExtension static WireMockExtension github = ReleaseHarness.github();
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path dir;
    @TempDir Path home;

    @Test
    void aReleaseOpensOnePullRequestInTheGitOpsRepositoryUpdatesItAndLeavesNothingWhenDeployed()
            throws Exception {
        GitOpsHarness gitops =
                GitOpsHarness.create(
                        ReleaseHarness.create(dir, home, registry.server()), dir, github);

        CliRun.Result first = release(gitops);

        PackagedRuns.assertSucceeded(first);
        assertThat(ReleaseHarness.json(first).path("operation").asText()).isEqualTo("created");
        assertThat(gitops.ref(BRANCH)).isNotNull();

        gitops.app.project.write(
                "app.py",
                Files.readString(gitops.app.project.dir().resolve("app.py")) + "\n# v2\n");
        gitops.app.commitAndPush("app: v2");
        CliRun.Result second = release(gitops);

        PackagedRuns.assertSucceeded(second);
        JsonNode updated = ReleaseHarness.json(second);
        assertThat(updated.path("operation").asText()).isEqualTo("updated");
        assertThat(gitops.file(BRANCH, MANIFEST)).contains(updated.path("image").asText());

        gitops.mergeBranchIntoMain();
        CliRun.Result third = release(gitops);

        PackagedRuns.assertSucceeded(third);
        assertThat(ReleaseHarness.json(third).path("operation").asText()).isEqualTo("none");
        assertThat(gitops.ref(BRANCH)).isNull();
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
    }

    private static CliRun.Result release(GitOpsHarness gitops) {
        return new LauncherRun(gitops.cli()).run(gitops.releaseArgs());
    }
}
