package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.nixship.e2e.UpdateChannelHarness.BRANCH;
import static io.nixship.e2e.UpdateChannelHarness.CHANNEL;
import static io.nixship.e2e.UpdateChannelHarness.PULLS;
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
 * {@code ./nixship update-channel} from the packaged jar: a moved channel is proposed in a new pull
 * request, and a later move updates it (a PATCH).
 */
class PackagedUpdateChannelIT {
    @RegisterExtension static WireMockExtension github = UpdateChannelHarness.github();
    @RegisterExtension static SharedRegistry registry = new SharedRegistry();

    @TempDir Path dir;
    @TempDir Path home;

    @Test
    void aMovedChannelIsProposedAndALaterMoveUpdatesTheSamePullRequest() throws Exception {
        try (ChannelServer channels = ChannelServer.start()) {
            UpdateChannelHarness harness =
                    UpdateChannelHarness.create(dir, home, registry.server(), channels);
            UpdateChannelHarness.stubPullRequests(github);
            channels.publish(CHANNEL, Revision.REV2);

            CliRun.Result proposed = updateChannel(harness, channels);

            PackagedRuns.assertSucceeded(proposed);
            JsonNode created = ReleaseHarness.json(proposed).path("channel");
            assertThat(created.path("status").asText()).isEqualTo("proposed");
            assertThat(created.path("operation").asText()).isEqualTo("created");
            assertThat(created.path("number").asInt()).isEqualTo(21);
            assertThat(harness.lockOnBranch(BRANCH).revision())
                    .contains(Revision.REV2.gitRevision());

            harness.publishThirdRelease();
            CliRun.Result movedAgain = updateChannel(harness, channels);

            PackagedRuns.assertSucceeded(movedAgain);
            JsonNode updated = ReleaseHarness.json(movedAgain).path("channel");
            assertThat(updated.path("operation").asText()).isEqualTo("updated");
            assertThat(updated.path("number").asInt()).isEqualTo(21);
            assertThat(harness.lockOnBranch(BRANCH).revision())
                    .contains(UpdateChannelHarness.THIRD_REVISION);
            github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
            github.verify(
                    patchRequestedFor(urlPathEqualTo(PULLS + "/21"))
                            .withRequestBody(
                                    matchingJsonPath(
                                            "$.title",
                                            equalTo("nixpkgs nixos-24.05: e8f1c4a -> 0123456"))));
        }
    }

    private CliRun.Result updateChannel(UpdateChannelHarness harness, ChannelServer channels) {
        return new LauncherRun(harness.release.cli(github.baseUrl()))
                .run(
                        "update-channel",
                        "--remote",
                        harness.release.remoteUrl(),
                        "--channel-url=" + channels.url(),
                        "--github-url=" + channels.url(),
                        "--json");
    }
}
