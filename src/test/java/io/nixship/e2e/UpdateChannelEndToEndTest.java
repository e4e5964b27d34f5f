package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.nixship.e2e.UpdateChannelHarness.BRANCH;
import static io.nixship.e2e.UpdateChannelHarness.CHANNEL;
import static io.nixship.e2e.UpdateChannelHarness.PULLS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.nixship.config.NixpkgsLock;
import io.nixship.testsupport.ChannelServer;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.SharedRegistry;
import io.nixship.testsupport.TestNixpkgs;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nixship update-channel} for real: a channel server moves nixos-24.05 from rev1 to rev2,
 * Nix builds the example with the new lock, the image goes to a real registry, the branch to a bare
 * git remote and the pull request to a WireMock GitHub; also a tampered tarball, a revision that
 * fails to build, and a newer stable channel proposed on its own branch ({@code
 * --follow-releases}).
 */
@Tag("nix")
class UpdateChannelEndToEndTest {
    @RegisterExtension static WireMockExtension github = UpdateChannelHarness.github();

    @TempDir static Path home;
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path dir;
    private ChannelServer channels;
    private UpdateChannelHarness harness;

    @BeforeEach
    void setUp() throws Exception {
        channels = ChannelServer.start();
        harness = UpdateChannelHarness.create(dir, home, registry.server(), channels);
        UpdateChannelHarness.stubPullRequests(github);
    }

    @AfterEach
    void stopChannels() {
        channels.close();
    }

    @Test
    void
            aMovedChannelIsProposedOnceWithLockImageAndFreezeDiffAndANewerMoveUpdatesTheSamePullRequest()
                    throws Exception {
        ReleaseHarness release = harness.release;
        String base = release.project.head();
        channels.publish(CHANNEL, Revision.REV2);
        long pushesBefore = release.manifestPushes();

        CliRun.Result moved = harness.updateChannel(github.baseUrl());

        assertThat(moved.exitCode()).as(moved.err()).isZero();
        JsonNode result = ReleaseHarness.json(moved).path("channel");
        assertThat(result.path("status").asText()).isEqualTo("proposed");
        assertThat(result.path("operation").asText()).isEqualTo("created");
        assertThat(result.path("number").asInt()).isEqualTo(21);
        String image = result.path("image").asText();
        String tag = result.path("tag").asText();
        assertThat(tag)
                .isEqualTo(
                        "git-"
                                + base.substring(0, 7)
                                + "-nixpkgs-"
                                + Revision.REV2.gitRevision().substring(0, 7));
        assertThat(image).startsWith(release.image() + ":" + tag + "@sha256:");
        assertThat(release.manifestPushes()).isGreaterThan(pushesBefore);
        assertThat(release.registryDigest(tag)).contains(result.path("digest").asText());
        assertThat(result.path("diff").asText())
                .contains(
                        "-revision: \"" + Revision.REV1.gitRevision() + "\"",
                        "+revision: \"" + Revision.REV2.gitRevision() + "\"")
                .contains("+          image: " + image);

        assertThat(release.pathsChangedOnBranch(BRANCH))
                .containsExactlyInAnyOrder(NixpkgsLock.FILE_NAME, ReleaseHarness.DEPLOYMENT);
        assertThat(release.remoteCommit(BRANCH).getParent(0).getName()).isEqualTo(base);
        NixpkgsLock proposedLock = harness.lockOnBranch(BRANCH);
        assertThat(proposedLock.revision()).contains(Revision.REV2.gitRevision());
        assertThat(proposedLock.url()).isEqualTo(channels.tarballUrl(CHANNEL, Revision.REV2));
        assertThat(proposedLock.sha256().base32())
                .isEqualTo(TestNixpkgs.get().sha256(Revision.REV2));
        assertThat(release.fileOnRemoteBranch(BRANCH, ReleaseHarness.DEPLOYMENT))
                .isEqualTo(release.deployment().replace(harness.deployedImage, image));

        List<LoggedRequest> created = github.findAll(postRequestedFor(urlPathEqualTo(PULLS)));
        assertThat(created).hasSize(1);
        JsonNode pr = ReleaseHarness.jsonBody(created.get(0));
        assertThat(pr.path("head").asText()).isEqualTo(BRANCH);
        assertThat(pr.path("title").asText()).isEqualTo("nixpkgs nixos-24.05: e8f1c4a -> 5b3d9e0");
        String body = pr.path("body").asText();
        assertThat(UpdateChannelHarness.packageChanges(body))
                .containsExactlyInAnyOrder(
                        "certifi upgraded",
                        "requests upgraded",
                        "Werkzeug upgraded",
                        "olefile removed",
                        "python-dotenv added");
        assertThat(body)
                .contains(
                        "https://github.com/NixOS/nixpkgs/compare/"
                                + Revision.REV1.gitRevision()
                                + "..."
                                + Revision.REV2.gitRevision())
                .contains("**Closure size:** ")
                .contains(
                        "| Before | [`e8f1c4a`]",
                        "`" + harness.deployedImage + "`",
                        "`" + image + "`");
        assertThat(release.outputs())
                .containsEntry("changed", "true")
                .containsEntry("pr-number", "21")
                .containsEntry("image", image)
                .containsEntry("tag", tag);

        // The same channel again, the pull request still open: nothing is downloaded, built, pushed
        // or asked.
        github.resetRequests();
        long pushesAfterFirst = release.manifestPushes();
        int downloads = channels.requests(channels.tarballPath(CHANNEL, Revision.REV2));
        CliRun.Result unchanged = harness.updateChannel(github.baseUrl());

        assertThat(unchanged.exitCode()).as(unchanged.err()).isZero();
        assertThat(ReleaseHarness.json(unchanged).path("changed").asBoolean()).isFalse();
        assertThat(ReleaseHarness.json(unchanged).path("channel").path("status").asText())
                .isEqualTo("already-proposed");
        assertThat(release.outputs())
                .containsEntry("changed", "false")
                .containsEntry("pr-number", "");
        assertThat(release.manifestPushes()).isEqualTo(pushesAfterFirst);
        assertThat(channels.requests(channels.tarballPath(CHANNEL, Revision.REV2)))
                .isEqualTo(downloads);
        github.verify(0, anyRequestedFor(urlPathMatching(PULLS + ".*")));

        // The channel moves again (a third release: rev2's tree under another commit): the same
        // branch and
        // pull request follow it.
        String thirdRevision = "0123456789abcdef0123456789abcdef01234567";
        String thirdRelease = CHANNEL + ".1003.0123456789ab";
        channels.publish(
                CHANNEL, thirdRelease, thirdRevision, TestNixpkgs.get().tarball(Revision.REV2));
        CliRun.Result movedAgain = harness.updateChannel(github.baseUrl());

        assertThat(movedAgain.exitCode()).as(movedAgain.err()).isZero();
        JsonNode again = ReleaseHarness.json(movedAgain).path("channel");
        assertThat(again.path("operation").asText()).isEqualTo("updated");
        assertThat(again.path("number").asInt()).isEqualTo(21);
        assertThat(harness.lockOnBranch(BRANCH).revision()).contains(thirdRevision);
        assertThat(release.remoteCommit(BRANCH).getParent(0).getName()).isEqualTo(base);
        github.verify(0, postRequestedFor(urlPathEqualTo(PULLS)));
        github.verify(
                patchRequestedFor(urlPathEqualTo(PULLS + "/21"))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.title",
                                        equalTo("nixpkgs nixos-24.05: e8f1c4a -> 0123456"))));
    }

    @Test
    void aLockThatAlreadyPinsTheNewestReleaseIsCurrentAndTouchesNothing() throws Exception {
        long pushesBefore = harness.release.manifestPushes();
        var refsBefore = harness.release.remoteRefs();

        CliRun.Result current = harness.updateChannel(github.baseUrl());

        assertThat(current.exitCode()).as(current.err()).isZero();
        assertThat(ReleaseHarness.json(current).path("channel").path("status").asText())
                .isEqualTo("current");
        assertThat(current.err()).contains("nixship.lock is current");
        assertThat(harness.release.outputs()).containsEntry("changed", "false");
        assertThat(harness.release.manifestPushes()).isEqualTo(pushesBefore);
        assertThat(harness.release.remoteRefs()).isEqualTo(refsBefore);
        github.verify(0, anyRequestedFor(urlPathMatching(PULLS + ".*")));
    }

    @Test
    void aMoveThatBuildsTheSameImageIsSaidAndProposesNothing() throws Exception {
        // Another commit with rev1's tree: the lock moves, but the image holds exactly what is
        // deployed.
        channels.publish(
                CHANNEL,
                CHANNEL + ".1005.0123456789ab",
                "0123456789abcdef0123456789abcdef01234567",
                TestNixpkgs.get().tarball(Revision.REV1));
        long pushesBefore = harness.release.manifestPushes();
        var refsBefore = harness.release.remoteRefs();
        int uploadsBefore = registry.server().uploadedDigests().size();

        CliRun.Result same = harness.updateChannel(github.baseUrl());

        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(ReleaseHarness.json(same).path("channel").path("status").asText())
                .isEqualTo("identical-image");
        assertThat(same.err())
                .contains(
                        "holds the same as the one the manifests name ("
                                + harness.deployedImage
                                + ")");
        // The uploads started during the build found every layer there already.
        assertThat(registry.server().uploadedDigests()).hasSize(uploadsBefore);
        assertThat(harness.release.outputs()).containsEntry("changed", "false");
        assertThat(harness.release.manifestPushes()).isEqualTo(pushesBefore);
        assertThat(harness.release.remoteRefs()).isEqualTo(refsBefore);
        github.verify(0, anyRequestedFor(urlPathMatching(PULLS + ".*")));
    }

    @Test
    void theCompressionOptionsApplyToTheChannelUpdatesImage() throws Exception {
        channels.publish(CHANNEL, Revision.REV2);

        CliRun.Result moved =
                harness.updateChannel(github.baseUrl(), "--compression", "zstd", "--jobs", "2");

        assertThat(moved.exitCode()).as(moved.err()).isZero();
        String digest = ReleaseHarness.json(moved).path("channel").path("digest").asText();
        JsonNode manifest =
                PushFixtures.json(
                        new String(
                                PushFixtures.manifestBytes(
                                        registry.server(), "acme/imgproxy-lite", digest),
                                StandardCharsets.UTF_8));
        assertThat(manifest.path("layers"))
                .isNotEmpty()
                .allSatisfy(
                        layer -> assertThat(layer.path("mediaType").asText()).endsWith("+zstd"));
        // The deployed image's layers are gzip: none of them can stand in for a zstd layer.
        assertThat(moved.err()).contains(" 0 reused from the registry");
    }

    @Test
    void aDryRunPrintsTheLockDiffFreezeDiffAndPullRequestAndTouchesNothingRemote()
            throws Exception {
        channels.publish(CHANNEL, Revision.REV2);
        long pushesBefore = harness.release.manifestPushes();
        var refsBefore = harness.release.remoteRefs();

        CliRun.Result dryRun =
                harness.release
                        .cli(github.baseUrl())
                        .run(
                                "update-channel",
                                "--dry-run",
                                "--channel-url=" + channels.url(),
                                "--github-url=" + channels.url());

        assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
        assertThat(dryRun.out())
                .contains("branch: " + BRANCH + " (dry run: nothing pushed)")
                .contains("+revision: \"" + Revision.REV2.gitRevision() + "\"")
                .contains("pull request: nixpkgs nixos-24.05: e8f1c4a -> 5b3d9e0")
                .contains("requests==2.31.0");
        assertThat(harness.release.manifestPushes()).isEqualTo(pushesBefore);
        assertThat(harness.release.remoteRefs()).isEqualTo(refsBefore);
        assertThat(github.getAllServeEvents()).isEmpty();
    }

    @Test
    void aTarballThatChangedUnderAPinnedRevisionIsRefusedAndNothingIsPushed() throws Exception {
        ReleaseHarness release = harness.release;
        channels.publish(CHANNEL, Revision.REV2);
        CliRun.Result proposed = harness.updateChannel(github.baseUrl());
        assertThat(proposed.exitCode()).as(proposed.err()).isZero();
        // The server now serves other bytes for the same release, and main moved on, so the run
        // looks again.
        channels.tamper(CHANNEL, Revision.REV2);
        release.project.write(
                "app.py", Files.readString(release.project.dir().resolve("app.py")) + "\n# v2\n");
        release.commitAndPush("app: v2");
        github.resetRequests();
        long pushesBefore = release.manifestPushes();
        var refsBefore = release.remoteRefs();

        CliRun.Result tampered = harness.updateChannel(github.baseUrl());

        assertThat(tampered.exitCode()).isEqualTo(1);
        assertThat(tampered.err())
                .contains(
                        "nixship: error: nixpkgs tarball "
                                + channels.tarballUrl(CHANNEL, Revision.REV2)
                                + " now unpacks to sha256 "
                                + TestNixpkgs.get().sha256(Revision.REV1))
                .contains("refusing it");
        assertThat(release.manifestPushes()).isEqualTo(pushesBefore);
        assertThat(release.remoteRefs()).isEqualTo(refsBefore);
        github.verify(0, anyRequestedFor(urlPathMatching(PULLS + ".*")));
    }

    @Test
    void aReleaseWhosePythonFailsToBuildIsProposedMarkedFailingWithTheLogAndExitsOne()
            throws Exception {
        ReleaseHarness release = harness.release;
        String brokenRevision = "deadbeef00112233445566778899aabbccddeeff";
        channels.publish(
                CHANNEL,
                CHANNEL + ".1004.deadbeef0011",
                brokenRevision,
                UpdateChannelHarness.brokenTarball(dir.resolve("broken.tar.gz")));
        long pushesBefore = release.manifestPushes();

        CliRun.Result failing = harness.updateChannel(github.baseUrl());

        assertThat(failing.exitCode()).as(failing.err()).isEqualTo(1);
        JsonNode result = ReleaseHarness.json(failing).path("channel");
        assertThat(result.path("status").asText()).isEqualTo("build-failing");
        assertThat(result.path("number").asInt()).isEqualTo(21);
        assertThat(failing.err()).contains("python3 check phase failed");
        assertThat(release.manifestPushes()).isEqualTo(pushesBefore);
        assertThat(release.pathsChangedOnBranch(BRANCH)).containsExactly(NixpkgsLock.FILE_NAME);
        assertThat(harness.lockOnBranch(BRANCH).revision()).contains(brokenRevision);
        List<LoggedRequest> created = github.findAll(postRequestedFor(urlPathEqualTo(PULLS)));
        assertThat(created).hasSize(1);
        JsonNode pr = ReleaseHarness.jsonBody(created.get(0));
        assertThat(pr.path("title").asText())
                .isEqualTo("[build failing] nixpkgs nixos-24.05: e8f1c4a -> deadbee");
        assertThat(pr.path("body").asText())
                .contains(
                        "does not build on the new nixpkgs",
                        "python3 check phase failed",
                        "test_ssl: FAILED (errors=3)")
                .contains(
                        "https://github.com/NixOS/nixpkgs/compare/"
                                + Revision.REV1.gitRevision()
                                + "..."
                                + brokenRevision);
        assertThat(release.outputs())
                .containsEntry("changed", "true")
                .containsEntry("pr-number", "21");
    }

    @Test
    void aNewerStableChannelIsProposedInASeparatePullRequest() throws Exception {
        ReleaseHarness release = harness.release;
        String nextRevision = "abcdef0123456789abcdef0123456789abcdef01";
        channels.publish(CHANNEL, Revision.REV2);
        channels.publish(
                UpdateChannelHarness.NEXT_CHANNEL,
                "nixos-24.11.2001.abcdef012345",
                nextRevision,
                TestNixpkgs.get().tarball(Revision.REV2));

        CliRun.Result run = harness.updateChannel(github.baseUrl(), "--follow-releases");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = ReleaseHarness.json(run);
        assertThat(json.path("channel").path("number").asInt()).isEqualTo(21);
        assertThat(json.path("release").path("channel").asText())
                .isEqualTo(UpdateChannelHarness.NEXT_CHANNEL);
        assertThat(json.path("release").path("operation").asText()).isEqualTo("created");
        assertThat(json.path("release").path("number").asInt()).isEqualTo(22);
        assertThat(json.path("release").path("tag").asText()).endsWith("-nixpkgs-abcdef0");
        NixpkgsLock next = harness.lockOnBranch(UpdateChannelHarness.NEXT_BRANCH);
        assertThat(next.channel()).contains(UpdateChannelHarness.NEXT_CHANNEL);
        assertThat(next.revision()).contains(nextRevision);
        assertThat(harness.lockOnBranch(BRANCH).channel()).contains(CHANNEL);
        List<LoggedRequest> created = github.findAll(postRequestedFor(urlPathEqualTo(PULLS)));
        assertThat(created)
                .extracting(request -> ReleaseHarness.jsonBody(request).path("title").asText())
                .containsExactly(
                        "nixpkgs nixos-24.05: e8f1c4a -> 5b3d9e0",
                        "nixpkgs nixos-24.05 -> nixos-24.11: e8f1c4a -> abcdef0");
        assertThat(release.outputs())
                .containsEntry("pr-number", "21")
                .containsEntry("changed", "true");
    }
}
