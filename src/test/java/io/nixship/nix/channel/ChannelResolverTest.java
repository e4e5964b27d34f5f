package io.nixship.nix.channel;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import io.nixship.testsupport.ChannelServer;
import io.nixship.testsupport.TestNixpkgs;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("nix")
class ChannelResolverTest {
    private static final String CHANNEL = TestNixpkgs.CHANNEL;

    private ChannelServer server;
    private ChannelResolver resolver;

    @BeforeEach
    void startServer() {
        server = ChannelServer.start();
        resolver = new ChannelResolver(new JdkChannelHttp(), server.url(), server.url());
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void resolvesAChannelToItsCurrentReleaseRevisionAndTarball() {
        server.publish(CHANNEL, Revision.REV1);

        ChannelRelease release = resolver.resolve(CHANNEL);

        assertThat(release)
                .isEqualTo(
                        new ChannelRelease(
                                CHANNEL,
                                Revision.REV1.release(),
                                Revision.REV1.gitRevision(),
                                server.releaseUrl(CHANNEL, Revision.REV1) + "/nixexprs.tar.xz"));
        assertThat(release.hasFullRevision()).isTrue();
        assertThat(server.requests(server.tarballPath(CHANNEL, Revision.REV1))).isZero();
    }

    @Test
    void followsTheChannelWhenItMoves() {
        server.publish(CHANNEL, Revision.REV1);
        server.publish(CHANNEL, Revision.REV2);

        ChannelRelease release = resolver.resolve(CHANNEL);

        assertThat(release.release()).isEqualTo("nixos-24.05.1002.5b3d9e0f1a2c");
        assertThat(release.revision()).isEqualTo(Revision.REV2.gitRevision());
        assertThat(release.tarballUrl()).isEqualTo(server.tarballUrl(CHANNEL, Revision.REV2));
    }

    @Test
    void servesAnyTarballPublishedAsARelease() {
        String rev = "0123456789abcdef0123456789abcdef01234567";
        server.publish(
                CHANNEL,
                "nixos-24.05.1003.0123456789ab",
                rev,
                TestNixpkgs.get().tarball(Revision.REV2));

        ChannelRelease release = resolver.resolve(CHANNEL);

        assertThat(release.revision()).isEqualTo(rev);
        assertThat(release.tarballUrl())
                .isEqualTo(server.tarballUrl(CHANNEL, "nixos-24.05.1003.0123456789ab"));
    }

    @Test
    void unknownChannelIsAUsageErrorNamingTheChannelAndUrl() {
        assertThatThrownBy(() -> resolver.resolve("nixos-24.06"))
                .isInstanceOf(NixshipException.class)
                .hasMessage(
                        "channel 'nixos-24.06' not found: "
                                + server.url()
                                + "/nixos-24.06 answered HTTP 404; check --channel")
                .extracting(e -> ((NixshipException) e).exitCode())
                .isEqualTo(NixshipException.USAGE);
    }

    @Test
    void channelUrlThatAnswersWithoutRedirectingIsRefused() {
        server.serve("/" + CHANNEL, "<html>not a channel server</html>");

        assertThatThrownBy(() -> resolver.resolve(CHANNEL))
                .isInstanceOf(NixshipException.class)
                .hasMessage(
                        server.url()
                                + "/nixos-24.05 answered HTTP 200 instead of redirecting to a release;"
                                + " is --channel-url a Nix channel server?");
    }

    @Test
    void malformedGitRevisionIsRefusedQuotingIt() {
        server.publish(CHANNEL, Revision.REV1);
        server.serve("/nixos/24.05/" + Revision.REV1.release() + "/git-revision", "b134951\n");

        assertThatThrownBy(() -> resolver.resolve(CHANNEL))
                .isInstanceOf(NixshipException.class)
                .hasMessage(
                        server.releaseUrl(CHANNEL, Revision.REV1)
                                + "/git-revision holds 'b134951', not a 40-character git commit id");
    }

    @Test
    void relativeRedirectResolvesAgainstTheChannelUrl() {
        List<URI> asked = new ArrayList<>();
        ChannelHttp http =
                uri -> {
                    asked.add(uri);
                    if (uri.getPath().equals("/nixos-unstable")) {
                        return new ChannelHttp.Response(
                                301,
                                Optional.of("/nixos/unstable/nixos-24.11pre712431.a0f3e10d9435/"),
                                new byte[0]);
                    }
                    return new ChannelHttp.Response(
                            200,
                            Optional.empty(),
                            "a0f3e10d9435a0f3e10d9435a0f3e10d9435a0f3\n".getBytes(UTF_8));
                };
        ChannelResolver relative =
                new ChannelResolver(
                        http,
                        URI.create("https://channels.example/"),
                        URI.create("https://github.com"));

        ChannelRelease release = relative.resolve("nixos-unstable");

        assertThat(release.release()).isEqualTo("nixos-24.11pre712431.a0f3e10d9435");
        assertThat(release.tarballUrl())
                .isEqualTo(
                        "https://channels.example/nixos/unstable/nixos-24.11pre712431.a0f3e10d9435/nixexprs.tar.xz");
        assertThat(asked)
                .containsExactly(
                        URI.create("https://channels.example/nixos-unstable"),
                        URI.create(
                                "https://channels.example/nixos/unstable/nixos-24.11pre712431.a0f3e10d9435/git-revision"));
    }

    @Test
    void githubSpecNamesTheArchiveOfThatCommitWithoutAskingTheNetwork() {
        ChannelHttp noNetwork =
                uri -> {
                    throw new AssertionError("no request expected, got " + uri);
                };
        String rev = "b134951a4c9f3ae5cb9fa2e1ea1a6f94a5f4c1d2";

        ChannelRelease release =
                new ChannelResolver(
                                noNetwork,
                                ChannelResolver.DEFAULT_CHANNEL_BASE,
                                ChannelResolver.DEFAULT_GITHUB_BASE)
                        .resolve("github:NixOS/nixpkgs/" + rev);

        assertThat(release)
                .isEqualTo(
                        new ChannelRelease(
                                "github:NixOS/nixpkgs/" + rev,
                                "github-b134951",
                                rev,
                                "https://github.com/NixOS/nixpkgs/archive/" + rev + ".tar.gz"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "nixos-24.05",
                "nixos-unstable",
                "nixpkgs-unstable",
                "nixpkgs-24.05-darwin",
                "nixos-24.05-small",
                "nixos-unstable-small"
            })
    void acceptsChannelNamesAsTheChannelServerListsThem(String name) {
        assertThat(ChannelSpec.parse(name)).isEqualTo(new ChannelSpec.Channel(name));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "nixos",
                "nixos-24.5",
                "NixOS-24.05",
                "nixos-24.05/../secrets",
                "../nixos-24.05",
                "nixos-24.05 ",
                "debian-12",
                "https://channels.nixos.org/nixos-24.05"
            })
    void rejectsWhatIsNotAChannelNameNamingTheValue(String name) {
        assertThatThrownBy(() -> resolver.resolve(name))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith(
                        "channel '" + name + "' is not a channel name like nixos-24.05")
                .extracting(e -> ((NixshipException) e).exitCode())
                .isEqualTo(NixshipException.USAGE);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "github:NixOS/nixpkgs/b134951",
                "github:NixOS/nixpkgs/nixos-24.05",
                "github:NixOS/nixpkgs/B134951A4C9F3AE5CB9FA2E1EA1A6F94A5F4C1D2"
            })
    void githubSpecNeedsAFullLowercaseCommit(String spec) {
        assertThatThrownBy(() -> resolver.resolve(spec))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith(
                        "channel '" + spec + "': the revision after github:NixOS/nixpkgs/");
    }
}
