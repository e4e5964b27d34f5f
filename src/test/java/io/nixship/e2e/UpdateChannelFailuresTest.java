package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
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
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nixship update-channel} when the new nixpkgs cannot be trusted or does not build: a tarball
 * that changed under a pinned revision is refused before anything is built or pushed; a release whose
 * Python fails to build is still proposed, marked failing, with the end of the build log.
 */
class UpdateChannelFailuresTest {
  @RegisterExtension static WireMockExtension github = UpdateChannelHarness.github();

  @TempDir static Path home;
  private static RegistryServer registry;

  @TempDir Path dir;
  @TempDir Path tarballs;
  private ChannelServer channels;
  private UpdateChannelHarness harness;

  @BeforeAll
  static void startRegistry() {
    registry = RegistryServer.start();
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    channels = ChannelServer.start();
    harness = UpdateChannelHarness.create(dir, home, registry, channels);
    UpdateChannelHarness.stubPullRequests(github);
  }

  @AfterEach
  void stopChannels() {
    channels.close();
  }

  @Test
  void aTarballThatChangedUnderAPinnedRevisionIsRefusedAndNothingIsPushed() throws Exception {
    ReleaseHarness release = harness.release;
    channels.publish(CHANNEL, Revision.REV2);
    CliRun.Result proposed = harness.updateChannel(github.baseUrl());
    assertThat(proposed.exitCode()).as(proposed.err()).isZero();
    // The server now serves other bytes for the same release, and main moved on, so the run looks again.
    channels.tamper(CHANNEL, Revision.REV2);
    release.project.write("app.py", Files.readString(release.project.dir().resolve("app.py")) + "\n# v2\n");
    release.commitAndPush("app: v2");
    github.resetRequests();
    long pushesBefore = release.manifestPushes();
    var refsBefore = release.remoteRefs();

    CliRun.Result tampered = harness.updateChannel(github.baseUrl());

    assertThat(tampered.exitCode()).isEqualTo(1);
    assertThat(tampered.err())
        .contains("nixship: error: nixpkgs tarball " + channels.tarballUrl(CHANNEL, Revision.REV2) + " now unpacks to sha256 "
            + TestNixpkgs.get().sha256(Revision.REV1))
        .contains("refusing it");
    assertThat(release.manifestPushes()).isEqualTo(pushesBefore);
    assertThat(release.remoteRefs()).isEqualTo(refsBefore);
    github.verify(0, anyRequestedFor(urlPathMatching(PULLS + ".*")));
  }

  @Test
  void aReleaseWhosePythonFailsToBuildIsProposedMarkedFailingWithTheLogAndExitsOne() throws Exception {
    ReleaseHarness release = harness.release;
    String brokenRevision = "deadbeef00112233445566778899aabbccddeeff";
    channels.publish(CHANNEL, CHANNEL + ".1004.deadbeef0011", brokenRevision,
        UpdateChannelHarness.brokenTarball(tarballs.resolve("broken.tar.gz")));
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
    assertThat(pr.path("title").asText()).isEqualTo("[build failing] nixpkgs nixos-24.05: e8f1c4a -> deadbee");
    assertThat(pr.path("body").asText())
        .contains("does not build on the new nixpkgs", "python3 check phase failed", "test_ssl: FAILED (errors=3)")
        .contains("https://github.com/NixOS/nixpkgs/compare/" + Revision.REV1.gitRevision() + "..." + brokenRevision);
    assertThat(release.outputs()).containsEntry("changed", "true").containsEntry("pr-number", "21");
  }
}
