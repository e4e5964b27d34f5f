package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
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
 * {@code nixship update-channel --follow-releases}: a newer stable channel is proposed on its own
 * branch and pull request, in the same run as the channel's own update.
 */
class UpdateChannelFollowReleasesTest {
  @RegisterExtension static WireMockExtension github = UpdateChannelHarness.github();

  @TempDir static Path home;
  private static RegistryServer registry;

  @TempDir Path dir;
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
  void aNewerStableChannelIsProposedInASeparatePullRequest() throws Exception {
    ReleaseHarness release = harness.release;
    String nextRevision = "abcdef0123456789abcdef0123456789abcdef01";
    channels.publish(CHANNEL, Revision.REV2);
    channels.publish(UpdateChannelHarness.NEXT_CHANNEL, "nixos-24.11.2001.abcdef012345", nextRevision,
        TestNixpkgs.get().tarball(Revision.REV2));

    CliRun.Result run = harness.updateChannel(github.baseUrl(), "--follow-releases");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = ReleaseHarness.json(run);
    assertThat(json.path("channel").path("number").asInt()).isEqualTo(21);
    assertThat(json.path("release").path("channel").asText()).isEqualTo(UpdateChannelHarness.NEXT_CHANNEL);
    assertThat(json.path("release").path("operation").asText()).isEqualTo("created");
    assertThat(json.path("release").path("number").asInt()).isEqualTo(22);
    assertThat(json.path("release").path("tag").asText()).endsWith("-nixpkgs-abcdef0");
    NixpkgsLock next = harness.lockOnBranch(UpdateChannelHarness.NEXT_BRANCH);
    assertThat(next.channel()).contains(UpdateChannelHarness.NEXT_CHANNEL);
    assertThat(next.revision()).contains(nextRevision);
    assertThat(harness.lockOnBranch(BRANCH).channel()).contains(CHANNEL);
    List<LoggedRequest> created = github.findAll(postRequestedFor(urlPathEqualTo(PULLS)));
    assertThat(created).extracting(request -> ReleaseHarness.jsonBody(request).path("title").asText())
        .containsExactly("nixpkgs nixos-24.05: e8f1c4a -> 5b3d9e0", "nixpkgs nixos-24.05 -> nixos-24.11: e8f1c4a -> abcdef0");
    assertThat(release.outputs()).containsEntry("pr-number", "21").containsEntry("changed", "true");
  }
}
