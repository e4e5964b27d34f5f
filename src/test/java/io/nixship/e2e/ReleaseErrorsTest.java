package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.e2e.ReleaseHarness.BRANCH;
import static io.nixship.e2e.ReleaseHarness.PULLS;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.SharedRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way a release can fail: a one-line error, exit 1, and nothing half-done (no pull request
 * without a pushed branch, no branch left pointing at a commit its pull request does not describe).
 */
@Tag("nix")
class ReleaseErrorsTest {
    @RegisterExtension static WireMockExtension github = ReleaseHarness.github();

    @TempDir static Path home;
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path dir;
    private ReleaseHarness harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ReleaseHarness.create(dir, home, registry.server());
        ReleaseHarness.stubPullRequestLifecycle(github);
    }

    @Test
    void unparseableYamlInAManifestFailsNamingFileAndLineBeforeAnythingIsPushed() throws Exception {
        harness.project.write(
                "k8s/broken.yaml", "apiVersion: v1\nkind: ConfigMap\ndata: {a: [1, 2\n");
        harness.commitAndPush("a broken manifest");
        int registryRequests = registry.server().requests().size();
        Map<String, ObjectId> refs = harness.remoteRefs();

        CliRun.Result result = harness.release(github.baseUrl());

        assertThat(result.exitCode()).isEqualTo(2); // the user's manifest to fix: exit 2, as bump
        assertThat(errorLine(result))
                .matches("nixship: error: k8s/broken\\.yaml:[0-9]+: invalid YAML.*");
        assertThat(result.err()).as("found before the build").doesNotContain("building ");
        assertThat(registry.server().requests()).hasSize(registryRequests);
        assertThat(harness.remoteRefs()).isEqualTo(refs);
        github.verify(0, getRequestedFor(urlPathEqualTo(PULLS)));
    }

    @Test
    void aManifestNixshipCannotEditFailsTheReleaseBeforeAnyManifestOrTagIsPushed()
            throws Exception {
        harness.project.write(
                "k8s/folded.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: sidecar\nspec:\n"
                        + "  containers:\n    - name: app\n      image: >-\n        "
                        + harness.image()
                        + ":git-0000000\n");
        String commit = harness.commitAndPush("an image written as a folded scalar");
        long pushes = harness.manifestPushes();
        Map<String, ObjectId> refs = harness.remoteRefs();

        CliRun.Result result = harness.release(github.baseUrl());

        assertThat(result.exitCode()).isEqualTo(2); // the user's manifest to fix: exit 2, as bump
        assertThat(errorLine(result))
                .startsWith("nixship: error: k8s/folded.yaml:")
                .contains("block scalar");
        // Layers may already be in (uploaded while the build ran): blobs no manifest names are
        // harmless.
        assertThat(harness.manifestPushes()).isEqualTo(pushes);
        assertThat(harness.registryDigest("git-" + commit.substring(0, 7))).isEmpty();
        assertThat(harness.remoteRefs()).isEqualTo(refs);
        github.verify(0, getRequestedFor(urlPathEqualTo(PULLS)));
    }

    @Test
    void aManifestsEntryThatMatchesNothingFailsNamingIt() throws Exception {
        long pushes = harness.manifestPushes();
        Map<String, ObjectId> refs = harness.remoteRefs();

        CliRun.Result result = harness.release(github.baseUrl(), "--manifests", "deploy/");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(errorLine(result))
                .startsWith("nixship: error: manifests entry 'deploy/' matches no file");
        assertThat(harness.manifestPushes()).isEqualTo(pushes);
        assertThat(harness.remoteRefs()).isEqualTo(refs);
    }

    @Test
    void
            aTokenWithoutPullRequestRightsFailsNamingThePermissionAndLeavesNoBranchThenAReRunConverges()
                    throws Exception {
        github.stubFor(
                post(urlPathEqualTo(PULLS))
                        .willReturn(
                                ReleaseHarness.json(403, "error-not-accessible.json")
                                        .withHeader(
                                                "X-Accepted-GitHub-Permissions",
                                                "pull_requests=write")));

        CliRun.Result denied = harness.release(github.baseUrl());

        assertThat(denied.exitCode()).isEqualTo(1);
        assertThat(errorLine(denied))
                .contains(
                        "pull_requests=write",
                        "creating the pull request",
                        "branch " + BRANCH + " was deleted again");
        assertThat(denied.all()).doesNotContain(ReleaseHarness.TOKEN);
        assertThat(harness.remoteBranch(BRANCH)).isEmpty();

        github.resetAll();
        ReleaseHarness.stubPullRequestLifecycle(github);
        CliRun.Result again = harness.release(github.baseUrl());

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(ReleaseHarness.json(again).path("operation").asText()).isEqualTo("created");
        assertThat(harness.remoteBranch(BRANCH)).isPresent();
    }

    @Test
    void aRemoteThatRejectsTheBranchPushFailsAndOpensNoPullRequest() throws Exception {
        // A branch named "nixship" makes refs/heads/nixship/... impossible to create on the remote.
        try (Repository remote = Git.open(harness.remoteDir.toFile()).getRepository()) {
            RefUpdate update = remote.updateRef("refs/heads/nixship");
            update.setNewObjectId(remote.resolve("refs/heads/main"));
            assertThat(update.update()).isEqualTo(RefUpdate.Result.NEW);
        }
        Map<String, ObjectId> refs = harness.remoteRefs();

        CliRun.Result result = harness.release(github.baseUrl());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(errorLine(result)).contains(BRANCH);
        assertThat(harness.remoteRefs()).isEqualTo(refs);
        github.verify(0, postRequestedFor(urlPathEqualTo(PULLS)));
        github.verify(0, getRequestedFor(urlPathEqualTo(PULLS)));
    }

    @Test
    void anUnreachableApiFailsBeforeAnythingIsBuiltOrPushed() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        long pushes = harness.manifestPushes();
        Map<String, ObjectId> refs = harness.remoteRefs();

        CliRun.Result result = harness.release("http://127.0.0.1:" + closedPort);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(errorLine(result)).contains("cannot reach http://127.0.0.1:" + closedPort);
        assertThat(result.err()).doesNotContain("nixship build");
        assertThat(harness.manifestPushes()).isEqualTo(pushes);
        assertThat(harness.remoteRefs()).isEqualTo(refs);
        github.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aMissingTokenIsAUsageErrorBeforeAnyWork() throws Exception {
        CliRun.Result result =
                harness.cli(github.baseUrl())
                        .env("GITHUB_TOKEN", "")
                        .run("release", "--remote", harness.remoteUrl());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(errorLine(result)).contains("GITHUB_TOKEN is not set");
        github.verify(0, anyRequestedFor(anyUrl()));
    }

    /** The one error line; there must be exactly one. */
    private static String errorLine(CliRun.Result result) {
        List<String> lines =
                result.err().lines().filter(line -> line.startsWith("nixship: ")).toList();
        assertThat(lines).as(result.err()).hasSize(1);
        return lines.get(0);
    }
}
