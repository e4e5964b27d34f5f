package io.nixship.nix.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import io.nixship.cli.HostEnvironment;
import io.nixship.nix.SystemProcessRunner;
import io.nixship.testsupport.ChannelServer;
import io.nixship.testsupport.TestNixpkgs;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real {@code nix-instantiate} resolving {@code <nixpkgs>} through {@code NIX_PATH}. */
@Tag("nix")
class WorkstationNixpkgsTest {
    private static final String REV2 = Revision.REV2.gitRevision();

    @TempDir Path dir;

    @Test
    void readsTheFullCommitFromGitRevisionAndTheReleaseFromVersionFiles() throws IOException {
        Path nixpkgs = channelTree("nixos");
        Files.writeString(nixpkgs.resolve(".git-revision"), REV2);
        Files.writeString(nixpkgs.resolve(".version"), "24.05");
        Files.writeString(nixpkgs.resolve(".version-suffix"), ".1002.5b3d9e0f1a2c");

        WorkstationRevision detected = workstation(nixpkgs).detect();

        assertThat(detected)
                .isEqualTo(
                        new WorkstationRevision(
                                nixpkgs.toRealPath(),
                                REV2,
                                Optional.of("24.05.1002.5b3d9e0f1a2c"),
                                ".git-revision"));
    }

    @Test
    void aChannelTreeIsPinnedFromDiskAtItsReleaseTarballWhichUnpacksToTheSameHash() {
        Path channelTree = TestNixpkgs.get().unpackedDir(Revision.REV2);
        try (ChannelServer server = ChannelServer.start()) {
            ChannelResolver resolver =
                    new ChannelResolver(new JdkChannelHttp(), server.url(), server.url());
            WorkstationNixpkgs workstation =
                    new WorkstationNixpkgs(
                            new SystemProcessRunner(),
                            HostEnvironment.from(
                                            Map.of(
                                                    "PATH",
                                                    System.getenv("PATH"),
                                                    "NIX_PATH",
                                                    "nixpkgs=" + channelTree))
                                    .nix(line -> {})
                                    .withOffline(true),
                            server.url());
            WorkstationRevision detected = workstation.detect();

            ChannelRelease release =
                    workstation.release(detected, Optional.of(TestNixpkgs.CHANNEL), resolver);
            LockUpdate update =
                    TestPrefetcher.updater()
                            .update(
                                    Optional.empty(),
                                    release,
                                    () -> workstation.addToStore(detected));

            assertThat(release)
                    .isEqualTo(
                            new ChannelRelease(
                                    TestNixpkgs.CHANNEL,
                                    Revision.REV2.release(),
                                    REV2,
                                    server.tarballUrl(TestNixpkgs.CHANNEL, Revision.REV2)));
            assertThat(update.lock().sha256().base32())
                    .isEqualTo(TestNixpkgs.get().sha256(Revision.REV2));
            assertThat(update.fetched().orElseThrow().storePath()).endsWith("-source");
            assertThat(server.requests(server.tarballPath(TestNixpkgs.CHANNEL, Revision.REV2)))
                    .isZero();

            // What CI does with the lock: download the URL and compare the unpacked tree's hash.
            server.publish(TestNixpkgs.CHANNEL, Revision.REV2);
            assertThat(TestPrefetcher.offline().prefetch(update.lock().url()).hash())
                    .isEqualTo(update.lock().sha256());
        }
    }

    @Test
    void releaseTarballsFollowTheReleaseServersLayout() {
        WorkstationNixpkgs workstation = TestPrefetcher.workstation(Map.of());

        assertThat(workstation.releaseTarballUrl("nixos-24.05", "nixos-24.05.7376.b134951a4c9f"))
                .isEqualTo(
                        "https://releases.nixos.org/nixos/24.05/nixos-24.05.7376.b134951a4c9f/nixexprs.tar.xz");
        assertThat(
                        workstation.releaseTarballUrl(
                                "nixos-24.05-small", "nixos-24.05.7376.b134951a4c9f"))
                .isEqualTo(
                        "https://releases.nixos.org/nixos/24.05-small/nixos-24.05.7376.b134951a4c9f/nixexprs.tar.xz");
        assertThat(
                        workstation.releaseTarballUrl(
                                "nixos-unstable", "nixos-24.11pre712431.a0f3e10d9435"))
                .isEqualTo(
                        "https://releases.nixos.org/nixos/unstable/nixos-24.11pre712431.a0f3e10d9435/nixexprs.tar.xz");
        assertThat(
                        workstation.releaseTarballUrl(
                                "nixpkgs-unstable", "nixpkgs-24.11pre670565.ae815cee91b4"))
                .isEqualTo(
                        "https://releases.nixos.org/nixpkgs/nixpkgs-24.11pre670565.ae815cee91b4/nixexprs.tar.xz");
    }

    @Test
    void withoutAChannelTheLockFollowsTheGithubCommit() throws IOException {
        Path nixpkgs = channelTree("plain");
        Files.writeString(nixpkgs.resolve(".git-revision"), REV2);

        ChannelRelease release =
                workstation(nixpkgs)
                        .release(
                                workstation(nixpkgs).detect(),
                                Optional.empty(),
                                ChannelResolver.standard());

        assertThat(release)
                .isEqualTo(
                        new ChannelRelease(
                                "github:NixOS/nixpkgs/" + REV2,
                                "github-5b3d9e0",
                                REV2,
                                "https://github.com/NixOS/nixpkgs/archive/" + REV2 + ".tar.gz"));
    }

    @Test
    void olderChannelsNameAnAbbreviatedCommitInSvnRevision() throws IOException {
        Path nixpkgs = channelTree("old");
        Files.writeString(nixpkgs.resolve("svn-revision"), "7376.b134951a4c9f\n");

        WorkstationRevision detected = workstation(nixpkgs).detect();

        assertThat(detected.revision()).isEqualTo("b134951a4c9f");
        assertThat(detected.source()).isEqualTo("svn-revision");
        assertThatThrownBy(
                        () ->
                                workstation(nixpkgs)
                                        .release(
                                                detected,
                                                Optional.empty(),
                                                ChannelResolver.standard()))
                .isInstanceOf(NixshipException.class)
                .hasMessageEndingWith(
                        "names only the abbreviated commit b134951a4c9f (from svn-revision); name the channel"
                                + " it follows with --channel");
        assertThat(
                        workstation(nixpkgs)
                                .release(
                                        detected,
                                        Optional.of("nixos-24.05"),
                                        ChannelResolver.standard())
                                .tarballUrl())
                .isEqualTo("https://github.com/NixOS/nixpkgs/archive/b134951a4c9f.tar.gz");
    }

    @Test
    void fallsBackToTheCommitAtTheEndOfLibVersion() throws IOException {
        Path nixpkgs = channelTree("lib");
        Files.createDirectories(nixpkgs.resolve("lib"));
        Files.writeString(
                nixpkgs.resolve("lib/default.nix"),
                "{ version = \"24.11pre712431.a0f3e10d9435\"; }\n");

        WorkstationRevision detected = workstation(nixpkgs).detect();

        assertThat(detected.revision()).isEqualTo("a0f3e10d9435");
        assertThat(detected.version()).contains("24.11pre712431.a0f3e10d9435");
        assertThat(
                        workstation(nixpkgs)
                                .release(
                                        detected,
                                        Optional.of("nixos-unstable"),
                                        ChannelResolver.standard())
                                .release())
                .isEqualTo("nixos-24.11pre712431.a0f3e10d9435");
    }

    @Test
    void aTreeOfAnotherSeriesThanTheStableChannelIsAUsageError() throws IOException {
        Path nixpkgs = channelTree("series");
        Files.createDirectories(nixpkgs.resolve("lib"));
        Files.writeString(
                nixpkgs.resolve("lib/default.nix"),
                "{ version = \"24.11.712431.a0f3e10d9435\"; }\n");
        WorkstationRevision detected = workstation(nixpkgs).detect();

        assertThatThrownBy(
                        () ->
                                workstation(nixpkgs)
                                        .release(
                                                detected,
                                                Optional.of("nixos-24.05-small"),
                                                ChannelResolver.standard()))
                .isInstanceOf(NixshipException.class)
                .hasMessageEndingWith(
                        "is release 24.11.712431.a0f3e10d9435, not one of channel nixos-24.05-small: name the"
                                + " channel this tree follows with --channel");
        assertThat(
                        workstation(nixpkgs)
                                .release(
                                        detected,
                                        Optional.of("nixos-24.11"),
                                        ChannelResolver.standard())
                                .release())
                .isEqualTo("nixos-24.11.712431.a0f3e10d9435");
    }

    @Test
    void aCheckoutWithoutRevisionInformationIsAUsageError() throws IOException {
        Path nixpkgs = channelTree("checkout");
        Files.createDirectories(nixpkgs.resolve("lib"));
        Files.writeString(nixpkgs.resolve("lib/default.nix"), "{ version = \"24.11pre-git\"; }\n");

        assertThatThrownBy(() -> workstation(nixpkgs).detect())
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("cannot tell which nixpkgs commit <nixpkgs> is")
                .hasMessageContaining("lib.version '24.11pre-git' names no commit")
                .extracting(e -> ((NixshipException) e).exitCode())
                .isEqualTo(NixshipException.USAGE);
    }

    private Path channelTree(String name) throws IOException {
        Path nixpkgs = Files.createDirectories(dir.resolve(name));
        Files.writeString(nixpkgs.resolve("default.nix"), "{ ... }: { }\n");
        return nixpkgs;
    }

    private static WorkstationNixpkgs workstation(Path nixpkgs) {
        return TestPrefetcher.workstation(Map.of("NIX_PATH", "nixpkgs=" + nixpkgs));
    }
}
