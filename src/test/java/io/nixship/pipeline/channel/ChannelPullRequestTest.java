package io.nixship.pipeline.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.config.NixHash;
import io.nixship.config.NixpkgsLock;
import io.nixship.forge.MarkdownLimit;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ChannelPullRequestTest {
    private static final String OLD = "b134951a4c9f0123456789abcdef0123456789ab";
    private static final String NEW = "1e3deb3f0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private static final NixHash HASH =
            NixHash.parse("0bdscjgq1b635s07d9anpj60iikqiq887mj23rjg70dwdf0fl6b2").orElseThrow();

    private static NixpkgsLock lock(String channel, String revision) {
        return new NixpkgsLock(
                Optional.of(channel),
                Optional.of(channel + ".1." + revision.substring(0, 12)),
                Optional.of(revision),
                "https://releases.example/" + revision + "/nixexprs.tar.xz",
                HASH);
    }

    private static ChannelPullRequest built(
            Optional<NixpkgsLock> before, NixpkgsLock after, String freeze) {
        return new ChannelPullRequest(
                before,
                after,
                "ghcr.io/acme/app:git-1",
                "ghcr.io/acme/app:git-1-nixpkgs-1e3deb3",
                OptionalLong.of(2L << 20),
                OptionalLong.of(3L << 20),
                freeze,
                List.of(),
                null);
    }

    @Test
    void titleNamesTheChannelAndBothShortRevisions() {
        ChannelPullRequest content =
                built(Optional.of(lock("nixos-24.05", OLD)), lock("nixos-24.05", NEW), "");

        assertThat(content.title()).isEqualTo("nixpkgs nixos-24.05: b134951 -> 1e3deb3");
    }

    @Test
    void titleNamesBothChannelsWhenTheChannelSwitches() {
        ChannelPullRequest content =
                built(Optional.of(lock("nixos-24.05", OLD)), lock("nixos-24.11", NEW), "");

        assertThat(content.title())
                .isEqualTo("nixpkgs nixos-24.05 -> nixos-24.11: b134951 -> 1e3deb3");
    }

    @Test
    void bodyHasTheCompareLinkTheClosureSizeChangeAndTheFreezeDiff() {
        ChannelPullRequest content =
                built(
                        Optional.of(lock("nixos-24.05", OLD)),
                        lock("nixos-24.05", NEW),
                        "### Python packages: 1 upgraded\n");

        assertThat(content.body())
                .contains("https://github.com/NixOS/nixpkgs/compare/" + OLD + "..." + NEW)
                .contains("**Closure size:** 2.0 MiB → 3.0 MiB (+1.0 MiB)")
                .contains("`ghcr.io/acme/app:git-1`", "`ghcr.io/acme/app:git-1-nixpkgs-1e3deb3`")
                .contains("### Python packages: 1 upgraded");
    }

    @Test
    void aFailingBuildIsMarkedInTheTitleAndItsLogEndsTheBodyWithinGitHubsLimit() {
        List<String> log = Collections.nCopies(20_000, "error: something ``` broke");
        ChannelPullRequest failing =
                new ChannelPullRequest(
                        Optional.of(lock("nixos-24.05", OLD)),
                        lock("nixos-24.05", NEW),
                        null,
                        null,
                        OptionalLong.empty(),
                        OptionalLong.empty(),
                        null,
                        log,
                        null);

        assertThat(failing.title())
                .isEqualTo("[build failing] nixpkgs nixos-24.05: b134951 -> 1e3deb3");
        String body = failing.body();
        assertThat(body)
                .contains("does not build on the new nixpkgs", "error: something ''' broke")
                .doesNotContain("**Closure size:**");
        assertThat(body.length()).isLessThanOrEqualTo(MarkdownLimit.GITHUB_MAX_CHARS);
    }

    @Test
    void branchIsOnePerChannel() {
        assertThat(ChannelUpdateService.branch("nixos-24.05"))
                .isEqualTo("nixship/channel-nixos-24.05");
        assertThat(ChannelUpdateService.branch("github:NixOS/nixpkgs/" + NEW))
                .isEqualTo("nixship/channel-github");
    }
}
