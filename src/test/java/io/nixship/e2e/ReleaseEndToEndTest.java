package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.e2e.ReleaseHarness.BRANCH;
import static io.nixship.e2e.ReleaseHarness.DEPLOYMENT;
import static io.nixship.e2e.ReleaseHarness.HTML_URL;
import static io.nixship.e2e.ReleaseHarness.PULLS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.SharedRegistry;
import io.nixship.testsupport.TestNixpkgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nixship release} for real: the example is built with Nix, pushed to a real registry, the
 * branch pushed to a bare git remote and the pull request opened on a WireMock GitHub.
 */
@Tag("nix")
class ReleaseEndToEndTest {
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
    void firstRunOpensAPullRequestAndANewerCommitUpdatesTheSameBranchAndPullRequest()
            throws Exception {
        String original = harness.deployment();
        String firstCommit = harness.project.head();
        long pushesBefore = harness.manifestPushes();

        CliRun.Result first = harness.release(github.baseUrl());

        assertThat(first.exitCode()).as(first.err()).isZero();
        JsonNode firstResult = ReleaseHarness.json(first);
        assertThat(firstResult.path("operation").asText()).isEqualTo("created");
        assertThat(firstResult.path("number").asInt()).isEqualTo(12);
        assertThat(firstResult.path("url").asText()).isEqualTo(HTML_URL);
        String firstImage = firstResult.path("image").asText();
        assertThat(firstImage)
                .startsWith(harness.image() + ":git-" + firstCommit.substring(0, 7) + "@sha256:");
        assertThat(harness.manifestPushes()).isGreaterThan(pushesBefore);
        assertThat(harness.registryDigest("git-" + firstCommit.substring(0, 7)))
                .contains(firstImage.substring(firstImage.indexOf('@') + 1));
        assertThat(harness.pathsChangedOnBranch(BRANCH)).containsExactly(DEPLOYMENT);
        assertThat(harness.fileOnRemoteBranch(BRANCH, DEPLOYMENT))
                .isEqualTo(original.replace(harness.image() + ":git-0000000", firstImage));
        RevCommit firstTip = harness.remoteCommit(BRANCH);
        assertThat(firstTip.getParent(0).getName()).isEqualTo(firstCommit);
        assertThat(firstTip.getFullMessage())
                .contains(
                        "Old: " + harness.image() + ":git-0000000",
                        "New: " + firstImage,
                        firstCommit);
        List<LoggedRequest> created = github.findAll(postRequestedFor(urlPathEqualTo(PULLS)));
        assertThat(created).hasSize(1);
        github.verify(
                postRequestedFor(urlPathEqualTo(PULLS))
                        .withRequestBody(matchingJsonPath("$.head", equalTo(BRANCH)))
                        .withRequestBody(matchingJsonPath("$.base", equalTo("main")))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.title",
                                        equalTo(
                                                "nixship: update acme/imgproxy-lite to imgproxy-lite:git-"
                                                        + firstCommit.substring(0, 7)))));
        String body = ReleaseHarness.jsonBody(created.get(0)).path("body").asText();
        assertThat(body)
                .contains(
                        "| Before | `" + harness.image() + ":git-0000000` |",
                        "| After | `" + firstImage + "` |",
                        "https://github.com/acme/imgproxy-lite/commit/" + firstCommit,
                        "https://github.com/NixOS/nixpkgs/commit/",
                        "requests==2.28.1",
                        "Flask==2.2.2");
        assertThat(harness.outputs())
                .containsEntry("pr-number", "12")
                .containsEntry("pr-url", HTML_URL)
                .containsEntry("changed", "true")
                .containsEntry("image", firstImage);

        harness.project.write(
                "app.py", Files.readString(harness.project.dir().resolve("app.py")) + "\n# v2\n");
        String secondCommit = harness.commitAndPush("app: v2");
        CliRun.Result second = harness.release(github.baseUrl());

        assertThat(second.exitCode()).as(second.err()).isZero();
        JsonNode secondResult = ReleaseHarness.json(second);
        assertThat(secondResult.path("operation").asText()).isEqualTo("updated");
        assertThat(secondResult.path("number").asInt()).isEqualTo(12);
        assertThat(secondResult.path("branchOperation").asText()).isEqualTo("updated");
        String secondImage = secondResult.path("image").asText();
        assertThat(secondImage)
                .startsWith(harness.image() + ":git-" + secondCommit.substring(0, 7) + "@sha256:")
                .isNotEqualTo(firstImage);
        assertThat(first.all() + second.all()).doesNotContain(ReleaseHarness.TOKEN);
        assertThat(Files.readString(harness.project.dir().resolve(".git/config")))
                .doesNotContain(ReleaseHarness.TOKEN);
        RevCommit secondTip = harness.remoteCommit(BRANCH);
        assertThat(secondTip.getParent(0).getName()).isEqualTo(secondCommit);
        assertThat(harness.fileOnRemoteBranch(BRANCH, DEPLOYMENT))
                .isEqualTo(original.replace(harness.image() + ":git-0000000", secondImage));
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
        github.verify(
                patchRequestedFor(urlPathEqualTo(PULLS + "/12"))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.title",
                                        equalTo(
                                                "nixship: update acme/imgproxy-lite to imgproxy-lite:git-"
                                                        + secondCommit.substring(0, 7)))));
        github.verify(
                patchRequestedFor(urlPathEqualTo(PULLS + "/12"))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.body",
                                        com.github.tomakehurst.wiremock.client.WireMock.containing(
                                                secondImage))));
    }

    @Test
    void afterAMergeThePullRequestShowsTheFreezeDiffAgainstTheImageTheManifestsName()
            throws Exception {
        CliRun.Result first = harness.release(github.baseUrl());
        assertThat(first.exitCode()).as(first.err()).isZero();
        String firstImage = ReleaseHarness.json(first).path("image").asText();

        // The pull request is merged, then nixpkgs moves on (requests 2.28.1 -> 2.31.0, olefile
        // dropped).
        harness.project.write(DEPLOYMENT, harness.fileOnRemoteBranch(BRANCH, DEPLOYMENT));
        harness.project.pin(TestNixpkgs.Revision.REV2);
        harness.commitAndPush("merge nixship's pull request; nixpkgs rev2");
        github.resetScenarios();
        CliRun.Result second = harness.release(github.baseUrl());

        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(ReleaseHarness.json(second).path("operation").asText()).isEqualTo("created");
        List<LoggedRequest> created = github.findAll(postRequestedFor(urlPathEqualTo(PULLS)));
        String body =
                ReleaseHarness.jsonBody(created.get(created.size() - 1)).path("body").asText();
        assertThat(body)
                .contains("| Before | `" + firstImage + "` |")
                .containsPattern("\\| `requests` \\| `2\\.28\\.1` \\| `2\\.31\\.0` \\|")
                .containsPattern("\\| `olefile` \\| `0\\.46` \\| — \\|")
                .contains("**nixpkgs:**");
    }

    @Test
    void mergingThePullRequestStartsNoNewOneForAnImageWithTheSameContent() throws Exception {
        CliRun.Result first = harness.release(github.baseUrl());
        assertThat(first.exitCode()).as(first.err()).isZero();

        // Merging the bump is a new commit on main; the image built from it differs only in its
        // labels.
        harness.project.write(DEPLOYMENT, harness.fileOnRemoteBranch(BRANCH, DEPLOYMENT));
        harness.commitAndPush("merge nixship's pull request");
        github.resetScenarios();
        CliRun.Result afterMerge = harness.release(github.baseUrl());

        assertThat(afterMerge.exitCode()).as(afterMerge.err()).isZero();
        assertThat(ReleaseHarness.json(afterMerge).path("operation").asText()).isEqualTo("none");
        assertThat(ReleaseHarness.json(afterMerge).path("changed").asBoolean()).isFalse();
        assertThat(afterMerge.err())
                .contains(
                        "same content, built from "
                                + harness.remoteCommit(BRANCH).getParent(0).getName());
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
    }

    @Test
    void aRunWhoseManifestsNoLongerNameTheImageClosesThePullRequestAndThenOpensNone()
            throws Exception {
        CliRun.Result first = harness.release(github.baseUrl());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(ReleaseHarness.json(first).path("operation").asText()).isEqualTo("created");

        // The deployment moves to another image: nothing of ours is left to bump.
        harness.project.write(
                DEPLOYMENT,
                harness.deployment().replace(harness.image() + ":git-0000000", "nginx:1.27"));
        harness.commitAndPush("deploy nginx instead");
        CliRun.Result stale = harness.release(github.baseUrl());
        CliRun.Result nothing = harness.release(github.baseUrl());

        assertThat(stale.exitCode()).as(stale.err()).isZero();
        assertThat(ReleaseHarness.json(stale).path("operation").asText()).isEqualTo("closed");
        assertThat(ReleaseHarness.json(stale).path("number").asInt()).isEqualTo(12);
        assertThat(nothing.exitCode()).as(nothing.err()).isZero();
        assertThat(ReleaseHarness.json(nothing).path("operation").asText()).isEqualTo("none");
        assertThat(ReleaseHarness.json(nothing).path("changed").asBoolean()).isFalse();
        assertThat(harness.outputs())
                .containsEntry("changed", "false")
                .containsEntry("pr-number", "");
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
    }
}
