package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.Json;
import org.junit.jupiter.api.Test;

/** The bytes of {@code update-channel --json}: its fields, their order and which are left out. */
class ChannelUpdateResultsTest {
    @Test
    void aProposedUpdateListsEveryFieldWithTheGitOpsPullRequestAndTheCurrentReleaseOnlyItsOwn() {
        ChannelUpdateResults.Channel proposed =
                new ChannelUpdateResults.Channel(
                        "nixos-24.05",
                        "build-failing",
                        true,
                        "nixship/channel",
                        "aaa",
                        "bbb",
                        "nixos-24.05.1",
                        "r.example/shop:git-1",
                        "sha256:ab",
                        "git-1",
                        "created",
                        3,
                        "https://github.com/acme/shop/pull/3",
                        "Update nixpkgs",
                        "body",
                        "--- a/nixship.lock\n",
                        new ChannelUpdateResults.Manifests(
                                "acme/deploy",
                                "nixship/shop-channel",
                                "created",
                                31,
                                "https://github.com/acme/deploy/pull/31"));
        ChannelUpdateResults.Channel current =
                new ChannelUpdateResults.Channel(
                        "nixos-24.11",
                        "current",
                        false,
                        "nixship/release",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        "none",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null);

        assertThat(Json.compact(new ChannelUpdateResults.Updated(false, true, proposed, current)))
                .isEqualTo(
                        "{\"dryRun\":false,\"changed\":true,\"channel\":{\"channel\":\"nixos-24.05\","
                                + "\"status\":\"build-failing\",\"changed\":true,"
                                + "\"branch\":\"nixship/channel\",\"revisionBefore\":\"aaa\","
                                + "\"revision\":\"bbb\",\"release\":\"nixos-24.05.1\","
                                + "\"image\":\"r.example/shop:git-1\",\"digest\":\"sha256:ab\","
                                + "\"tag\":\"git-1\",\"operation\":\"created\",\"number\":3,"
                                + "\"url\":\"https://github.com/acme/shop/pull/3\","
                                + "\"title\":\"Update nixpkgs\",\"body\":\"body\","
                                + "\"diff\":\"--- a/nixship.lock\\n\","
                                + "\"manifests\":{\"repository\":\"acme/deploy\","
                                + "\"branch\":\"nixship/shop-channel\",\"operation\":\"created\","
                                + "\"number\":31,\"url\":\"https://github.com/acme/deploy/pull/31\"}},"
                                + "\"release\":{\"channel\":\"nixos-24.11\",\"status\":\"current\","
                                + "\"changed\":false,\"branch\":\"nixship/release\","
                                + "\"operation\":\"none\"}}");
        assertThat(Json.compact(new ChannelUpdateResults.Updated(true, false, current, null)))
                .isEqualTo(
                        "{\"dryRun\":true,\"changed\":false,\"channel\":{\"channel\":\"nixos-24.11\","
                                + "\"status\":\"current\",\"changed\":false,"
                                + "\"branch\":\"nixship/release\",\"operation\":\"none\"}}");
    }
}
