package io.nixship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.config.NixpkgsLock;
import io.nixship.testsupport.ChannelServer;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.TestNixpkgs;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nixship lock} against a channel server laid out like channels.nixos.org, with real Nix.
 */
@Tag("nix")
class LockCommandTest {
    private static final String CHANNEL = "nixos-24.05";

    @TempDir Path project;
    @TempDir Path home;
    private ChannelServer server;

    @BeforeEach
    void startServer() {
        server = ChannelServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private CliRun.Result lock(String... extra) {
        return lock(CliRun.offline(project, home), extra);
    }

    private CliRun.Result lock(CliRun cli, String... extra) {
        String[] args = new String[extra.length + 4];
        args[0] = "lock";
        args[1] = "--channel-url=" + server.url();
        args[2] = "--github-url=" + server.url();
        args[3] = "--releases-url=" + server.url();
        System.arraycopy(extra, 0, args, 4, extra.length);
        return cli.run(args);
    }

    @Test
    void createsTheLockFromTheChannelsNewestReleaseWithItsVerifiedHash() {
        server.publish(CHANNEL, Revision.REV1);

        CliRun.Result result = lock("--channel", CHANNEL);

        assertThat(result.exitCode()).as(result.err()).isZero();
        NixpkgsLock lock = NixpkgsLock.read(project.resolve("nixship.lock"));
        assertThat(lock.channel()).contains(CHANNEL);
        assertThat(lock.revision()).contains(Revision.REV1.gitRevision());
        assertThat(lock.url()).isEqualTo(server.tarballUrl(CHANNEL, Revision.REV1));
        assertThat(lock.sha256().base32()).isEqualTo(TestNixpkgs.get().sha256(Revision.REV1));
        assertThat(result.err()).contains("nixship.lock created");
    }

    @Test
    void anUnchangedChannelLeavesTheLockByteIdenticalAndDownloadsNothingMore() throws IOException {
        server.publish(CHANNEL, Revision.REV1);
        assertThat(lock("--channel", CHANNEL).exitCode()).isZero();
        byte[] before = Files.readAllBytes(project.resolve("nixship.lock"));

        CliRun.Result again = lock();

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.err()).contains("nixship.lock is current");
        assertThat(Files.readAllBytes(project.resolve("nixship.lock"))).isEqualTo(before);
        assertThat(server.requests(server.tarballPath(CHANNEL, Revision.REV1))).isEqualTo(1);
    }

    @Test
    void aMovedChannelMovesTheLockToTheNewRevision() {
        server.publish(CHANNEL, Revision.REV1);
        assertThat(lock("--channel", CHANNEL).exitCode()).isZero();
        server.publish(CHANNEL, Revision.REV2);

        CliRun.Result moved = lock();

        assertThat(moved.exitCode()).as(moved.err()).isZero();
        assertThat(moved.err())
                .contains(
                        "nixship.lock moved to "
                                + ChannelServer.releaseName(CHANNEL, Revision.REV2));
        NixpkgsLock lock = NixpkgsLock.read(project.resolve("nixship.lock"));
        assertThat(lock.revision()).contains(Revision.REV2.gitRevision());
        assertThat(lock.sha256().base32()).isEqualTo(TestNixpkgs.get().sha256(Revision.REV2));
    }

    @Test
    void anUnknownChannelIsAUsageErrorNamingIt() {
        CliRun.Result result = lock("--channel", "nixos-99.05");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().strip())
                .startsWith("nixship: error: ")
                .contains("nixos-99.05")
                .doesNotContain("\n");
        assertThat(project.resolve("nixship.lock")).doesNotExist();
    }

    @Test
    void withoutALockOrAChannelItSaysWhatToPass() {
        CliRun.Result result = lock();

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--channel");
    }

    @Test
    void switchingChannelAtTheSameRevisionRecordsTheNewChannelsReleaseAndUrl() {
        server.publish(CHANNEL, Revision.REV1);
        server.publish("nixos-24.05-small", Revision.REV1);
        assertThat(lock("--channel", CHANNEL).exitCode()).isZero();

        CliRun.Result switched = lock("--channel", "nixos-24.05-small");

        assertThat(switched.exitCode()).as(switched.err()).isZero();
        NixpkgsLock lock = NixpkgsLock.read(project.resolve("nixship.lock"));
        assertThat(lock.channel()).contains("nixos-24.05-small");
        assertThat(lock.release())
                .contains(ChannelServer.releaseName("nixos-24.05-small", Revision.REV1));
        assertThat(lock.revision()).contains(Revision.REV1.gitRevision());
        assertThat(lock.url()).isEqualTo(server.tarballUrl("nixos-24.05-small", Revision.REV1));
        assertThat(lock.sha256().base32()).isEqualTo(TestNixpkgs.get().sha256(Revision.REV1));
    }

    @Test
    void fromWorkstationPinsTheLocalChannelTreeWithoutDownloadingAtAUrlCiCanFetch() {
        Path channelTree = TestNixpkgs.get().unpackedDir(Revision.REV2);

        CliRun.Result result =
                lock(
                        CliRun.offline(project, home).env("NIX_PATH", "nixpkgs=" + channelTree),
                        "--from-workstation",
                        "--channel",
                        CHANNEL);

        assertThat(result.exitCode()).as(result.err()).isZero();
        NixpkgsLock lock = NixpkgsLock.read(project.resolve("nixship.lock"));
        assertThat(lock.channel()).contains(CHANNEL);
        assertThat(lock.release()).contains(Revision.REV2.release());
        assertThat(lock.revision()).contains(Revision.REV2.gitRevision());
        assertThat(lock.url()).isEqualTo(server.tarballUrl(CHANNEL, Revision.REV2));
        assertThat(lock.sha256().base32()).isEqualTo(TestNixpkgs.get().sha256(Revision.REV2));
        assertThat(server.requests(server.tarballPath(CHANNEL, Revision.REV2))).isZero();
        assertThat(server.requests(ChannelServer.githubArchivePath(Revision.REV2.gitRevision())))
                .isZero();

        // CI, without the tree: the recorded URL serves the channel's tarball, which unpacks to the
        // same hash.
        server.publish(CHANNEL, Revision.REV2);
        assertThat(TestNixpkgs.prefetch(lock.url())).isEqualTo(lock.sha256().base32());
        assertThat(server.requests(server.tarballPath(CHANNEL, Revision.REV2))).isEqualTo(1);
    }

    @Test
    void aReleaseNeedingANewerNixIsRefusedUnlessIgnoredAndThenPinnedWithAWarning() {
        TestNixpkgs.Tarball needsNewer = TestNixpkgs.get().needingNix("99.0");
        String release = "nixos-24.05.1003.0123456789ab";
        server.publish(
                CHANNEL, release, "0123456789abcdef0123456789abcdef01234567", needsNewer.path());

        CliRun.Result refused = lock("--channel", CHANNEL);

        assertThat(refused.exitCode()).isEqualTo(1);
        String error = refused.err().strip();
        assertThat(error)
                .startsWith(
                        "nixship: error: nixpkgs "
                                + release
                                + " needs Nix >= 99.0; this machine has Nix ")
                .endsWith(
                        "; to pin it anyway for a machine with a newer Nix, add --ignore-nix-version")
                .doesNotContain("\n");
        assertThat(project.resolve("nixship.lock")).doesNotExist();

        CliRun.Result forced = lock("--channel", CHANNEL, "--ignore-nix-version");

        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(forced.err())
                .contains("nixship: warning: nixpkgs " + release + " needs Nix >= 99.0")
                .contains("(pinned anyway: --ignore-nix-version)");
        assertThat(NixpkgsLock.read(project.resolve("nixship.lock")).sha256().base32())
                .isEqualTo(needsNewer.sha256());
    }
}
