package io.nixship.nix.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.nix.channel.ChannelVersions.StableChannel;
import io.nixship.testsupport.ChannelServer;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChannelVersionsTest {

    @Test
    void stableReleasesComeInMayAndNovember() {
        assertThat(StableChannel.parse("nixos-24.05").orElseThrow().next().name())
                .isEqualTo("nixos-24.11");
        assertThat(StableChannel.parse("nixos-24.11").orElseThrow().next().name())
                .isEqualTo("nixos-25.05");
        assertThat(StableChannel.parse("nixpkgs-24.05-darwin").orElseThrow().next().name())
                .isEqualTo("nixpkgs-24.11-darwin");
        assertThat(StableChannel.parse("nixos-24.05-small").orElseThrow().next().name())
                .isEqualTo("nixos-24.11-small");
        assertThat(StableChannel.parse("nixos-unstable")).isEmpty();
    }

    @Test
    void newerMeansALaterReleaseOfTheSameKind() {
        assertThat(ChannelVersions.isNewer("nixos-24.11", "nixos-24.05")).isTrue();
        assertThat(ChannelVersions.isNewer("nixos-25.05", "nixos-24.11")).isTrue();
        assertThat(ChannelVersions.isNewer("nixos-24.05", "nixos-24.11")).isFalse();
        assertThat(ChannelVersions.isNewer("nixos-24.05", "nixos-24.05")).isFalse();
        assertThat(ChannelVersions.isNewer("nixos-24.11-small", "nixos-24.05")).isFalse();
        assertThat(ChannelVersions.isNewer("nixpkgs-24.11-darwin", "nixos-24.05")).isFalse();
        assertThat(ChannelVersions.isNewer("nixos-unstable", "nixos-24.05")).isFalse();
    }

    @Test
    void probesReleasesInOrderAndStopsAtTheFirstMissing() {
        Set<String> published = Set.of("nixos-24.11", "nixos-25.05", "nixos-26.05");
        List<String> probed = new ArrayList<>();

        var newer =
                ChannelVersions.newerStable(
                        "nixos-24.05",
                        channel -> {
                            probed.add(channel);
                            return published.contains(channel);
                        });

        assertThat(newer).contains("nixos-25.05");
        assertThat(probed).containsExactly("nixos-24.11", "nixos-25.05", "nixos-25.11");
    }

    @Test
    void unstableChannelsHaveNoNewerRelease() {
        assertThat(
                        ChannelVersions.newerStable(
                                "nixos-unstable",
                                channel -> {
                                    throw new AssertionError("no probe expected: " + channel);
                                }))
                .isEmpty();
    }

    @Test
    void findsANewerStableChannelOnTheServerOnlyWhenItIsPublished() {
        try (ChannelServer server = ChannelServer.start()) {
            ChannelResolver resolver =
                    new ChannelResolver(new JdkChannelHttp(), server.url(), server.url());
            server.publish("nixos-24.05", Revision.REV1);

            assertThat(ChannelVersions.newerStable("nixos-24.05", resolver::channelExists))
                    .isEmpty();
            assertThat(server.requests("/nixos-24.11")).isEqualTo(1);

            server.publish("nixos-24.11", Revision.REV2);

            assertThat(ChannelVersions.newerStable("nixos-24.05", resolver::channelExists))
                    .contains("nixos-24.11");
            assertThat(resolver.resolve("nixos-24.11").release())
                    .isEqualTo("nixos-24.11.1002.5b3d9e0f1a2c");
        }
    }
}
