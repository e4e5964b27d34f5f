package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.e2e.GitOpsHarness.MANIFEST;
import static io.nixship.e2e.GitOpsHarness.MANIFESTS_TOKEN;
import static io.nixship.e2e.UpdateChannelHarness.BRANCH;
import static io.nixship.e2e.UpdateChannelHarness.CHANNEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.nixship.testsupport.ChannelServer;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.LauncherRun;
import io.nixship.testsupport.SharedRegistry;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./nixship update-channel} from the packaged jar with the manifests in a second repository
 * (acme/deploy, a second bare repository): the lock's pull request in the application's repository,
 * the manifests' in acme/deploy, each linking the other; both updated on the next move of the
 * channel; once acme/deploy deploys the image, only the lock is proposed and no branch or pull
 * request is left there.
 */
class PackagedGitOpsUpdateChannelIT {
    private static final String DEPLOY_BRANCH = "nixship/acme/imgproxy-lite-channel-" + CHANNEL;
    private static final String DEPLOY_PULLS = GitOpsHarness.PULLS;
    private static final String APP_PULLS = UpdateChannelHarness.PULLS;

    @RegisterExtension static WireMockExtension github = UpdateChannelHarness.github();
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path dir;
    @TempDir Path home;

    @Test
    void theLockIsProposedHereTheManifestsThereBothUpdatedAndNothingLeftThereOnceDeployed()
            throws Exception {
        try (ChannelServer channels = ChannelServer.start()) {
            UpdateChannelHarness harness =
                    UpdateChannelHarness.create(dir, home, registry.server(), channels);
            UpdateChannelHarness.stubPullRequests(github);
            GitOpsHarness gitops =
                    GitOpsHarness.create(harness.release, dir, github, DEPLOY_BRANCH);
            String appDeployment = harness.release.deployment();
            String appCommit = harness.release.project.head();
            channels.publish(CHANNEL, Revision.REV2);

            CliRun.Result proposed = updateChannel(gitops, channels);

            PackagedRuns.assertSucceeded(proposed);
            JsonNode created = ReleaseHarness.json(proposed).path("channel");
            assertThat(created.path("status").asText()).isEqualTo("proposed");
            assertThat(created.path("operation").asText()).isEqualTo("created");
            assertThat(created.path("manifests").path("repository").asText())
                    .isEqualTo("acme/deploy");
            assertThat(created.path("manifests").path("branch").asText()).isEqualTo(DEPLOY_BRANCH);
            assertThat(created.path("manifests").path("operation").asText()).isEqualTo("created");
            String image = created.path("image").asText();
            assertThat(harness.lockOnBranch(BRANCH).revision())
                    .contains(Revision.REV2.gitRevision());
            assertThat(harness.release.fileOnRemoteBranch(BRANCH, ReleaseHarness.DEPLOYMENT))
                    .as("the application's own manifests stay as they are")
                    .isEqualTo(appDeployment);
            assertThat(gitops.file(DEPLOY_BRANCH, MANIFEST)).contains(image);
            github.verify(
                    postRequestedFor(urlPathEqualTo(APP_PULLS))
                            .withRequestBody(
                                    matchingJsonPath(
                                            "$.body",
                                            containing(
                                                    "/acme/deploy/pulls?q=is%3Apr+is%3Aopen+head%3A"))));
            github.verify(
                    postRequestedFor(urlPathEqualTo(DEPLOY_PULLS))
                            .withHeader("Authorization", equalTo("token " + MANIFESTS_TOKEN))
                            .withRequestBody(matchingJsonPath("$.head", equalTo(DEPLOY_BRANCH)))
                            .withRequestBody(
                                    matchingJsonPath(
                                            "$.body",
                                            containing(
                                                    "[its pull request #21](https://github.example/acme/imgproxy-lite/pull/21)")))
                            .withRequestBody(
                                    matchingJsonPath(
                                            "$.body",
                                            containing("/acme/imgproxy-lite/commit/" + appCommit)))
                            .withRequestBody(
                                    matchingJsonPath(
                                            "$.body", containing("| After | `" + image + "` |"))));

            harness.publishThirdRelease();
            CliRun.Result movedAgain = updateChannel(gitops, channels);

            PackagedRuns.assertSucceeded(movedAgain);
            JsonNode updated = ReleaseHarness.json(movedAgain).path("channel");
            assertThat(updated.path("operation").asText()).isEqualTo("updated");
            assertThat(updated.path("manifests").path("operation").asText()).isEqualTo("updated");
            assertThat(updated.path("manifests").path("number").asInt()).isEqualTo(31);
            String movedImage = updated.path("image").asText();
            assertThat(harness.lockOnBranch(BRANCH).revision())
                    .contains(UpdateChannelHarness.THIRD_REVISION);
            assertThat(gitops.file(DEPLOY_BRANCH, MANIFEST))
                    .contains(movedImage)
                    .doesNotContain(image);
            github.verify(
                    patchRequestedFor(urlPathEqualTo(DEPLOY_PULLS + "/31"))
                            .withRequestBody(matchingJsonPath("$.body", containing(movedImage))));

            gitops.mergeBranchIntoMain();
            // A commit that changes nothing the image holds: its build is the deployed image.
            harness.release.project.write(
                    ReleaseHarness.DEPLOYMENT, appDeployment + "# reviewed\n");
            harness.release.commitAndPush("k8s: note");
            CliRun.Result deployed = updateChannel(gitops, channels);

            PackagedRuns.assertSucceeded(deployed);
            JsonNode lockOnly = ReleaseHarness.json(deployed).path("channel");
            assertThat(lockOnly.path("status").asText()).isEqualTo("proposed");
            assertThat(lockOnly.path("operation").asText()).isEqualTo("updated");
            assertThat(lockOnly.path("manifests").path("operation").asText()).isEqualTo("none");
            assertThat(lockOnly.path("body").asText())
                    .contains("`acme/deploy` already deploys this image.");
            assertThat(harness.lockOnBranch(BRANCH).revision())
                    .contains(UpdateChannelHarness.THIRD_REVISION);
            assertThat(gitops.ref(DEPLOY_BRANCH)).isNull();
            github.verify(1, postRequestedFor(urlPathEqualTo(APP_PULLS)));
            github.verify(1, postRequestedFor(urlPathEqualTo(DEPLOY_PULLS)));
            assertThat(proposed.all() + movedAgain.all() + deployed.all())
                    .doesNotContain(MANIFESTS_TOKEN);
        }
    }

    private static CliRun.Result updateChannel(GitOpsHarness gitops, ChannelServer channels) {
        return new LauncherRun(gitops.cli())
                .run(
                        "update-channel",
                        "--remote",
                        gitops.app.remoteUrl(),
                        "--manifests-remote",
                        gitops.gitopsDir.toUri().toString(),
                        "--channel-url=" + channels.url(),
                        "--github-url=" + channels.url(),
                        "--json");
    }
}
