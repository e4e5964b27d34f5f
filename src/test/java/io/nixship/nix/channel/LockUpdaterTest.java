package io.nixship.nix.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import io.nixship.config.NixHash;
import io.nixship.config.NixpkgsLock;
import io.nixship.nix.NixException;
import io.nixship.nix.NixFailureKind;
import io.nixship.nix.PrefetchResult;
import io.nixship.nix.Prefetcher;
import io.nixship.testsupport.ChannelServer;
import io.nixship.testsupport.TestNixpkgs;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real {@code nix-prefetch-url} against a loopback channel server. */
@Tag("nix")
class LockUpdaterTest {
    private static final String CHANNEL = TestNixpkgs.CHANNEL;

    private final TestNixpkgs nixpkgs = TestNixpkgs.get();
    private final Prefetcher prefetcher = TestPrefetcher.offline();
    private final LockUpdater updater = TestPrefetcher.updater();
    private ChannelServer server;
    private ChannelResolver resolver;

    @TempDir Path dir;

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
    void pinsTheChannelThenMovesWithItRecordingEachTarballsHash() {
        server.publish(CHANNEL, Revision.REV1);

        LockUpdate first = updater.update(Optional.empty(), resolver.resolve(CHANNEL));

        assertThat(first.changed()).isTrue();
        assertThat(first.lock())
                .isEqualTo(
                        new NixpkgsLock(
                                Optional.of(CHANNEL),
                                Optional.of(Revision.REV1.release()),
                                Optional.of(Revision.REV1.gitRevision()),
                                server.tarballUrl(CHANNEL, Revision.REV1),
                                NixHash.parse(nixpkgs.sha256(Revision.REV1)).orElseThrow()));
        assertThat(Path.of(first.fetched().orElseThrow().storePath()).resolve("revision.nix"))
                .exists();
        assertThat(server.requests(server.tarballPath(CHANNEL, Revision.REV1))).isEqualTo(1);

        server.publish(CHANNEL, Revision.REV2);
        LockUpdate second = updater.update(Optional.of(first.lock()), resolver.resolve(CHANNEL));

        assertThat(second.changed()).isTrue();
        assertThat(second.previous()).contains(first.lock());
        assertThat(second.lock().revision()).contains(Revision.REV2.gitRevision());
        assertThat(second.lock().release()).contains(Revision.REV2.release());
        assertThat(second.lock().url()).isEqualTo(server.tarballUrl(CHANNEL, Revision.REV2));
        assertThat(second.lock().sha256().base32()).isEqualTo(nixpkgs.sha256(Revision.REV2));
    }

    @Test
    void unchangedChannelKeepsTheLockAndDownloadsNothing() {
        server.publish(CHANNEL, Revision.REV1);
        NixpkgsLock pinned = updater.update(Optional.empty(), resolver.resolve(CHANNEL)).lock();
        String tarball = server.tarballPath(CHANNEL, Revision.REV1);

        LockUpdate again = updater.update(Optional.of(pinned), resolver.resolve(CHANNEL));

        assertThat(again.changed()).isFalse();
        assertThat(again.lock()).isEqualTo(pinned);
        assertThat(again.fetched()).isEmpty();
        assertThat(server.requests(tarball)).isEqualTo(1);
    }

    @Test
    void switchingChannelAtTheSameCommitTakesTheNewChannelsReleaseUrlAndHash() {
        server.publishGithubArchive(Revision.REV1);
        NixpkgsLock github =
                updater.update(
                                Optional.empty(),
                                resolver.resolve(
                                        "github:NixOS/nixpkgs/" + Revision.REV1.gitRevision()))
                        .lock();
        server.publish(CHANNEL, Revision.REV1);

        LockUpdate switched = updater.update(Optional.of(github), resolver.resolve(CHANNEL));

        assertThat(switched.changed()).isTrue();
        assertThat(switched.lock())
                .isEqualTo(
                        new NixpkgsLock(
                                Optional.of(CHANNEL),
                                Optional.of(Revision.REV1.release()),
                                Optional.of(Revision.REV1.gitRevision()),
                                server.tarballUrl(CHANNEL, Revision.REV1),
                                NixHash.parse(nixpkgs.sha256(Revision.REV1)).orElseThrow()));
        assertThat(server.requests(server.tarballPath(CHANNEL, Revision.REV1))).isEqualTo(1);
    }

    @Test
    void aReleaseThatNeedsANewerNixIsRefusedBeforeItIsPinned() {
        TestNixpkgs.Tarball needsNewer = nixpkgs.needingNix("99.0");
        server.publish(
                CHANNEL,
                "nixos-24.05.1003.0123456789ab",
                "0123456789abcdef0123456789abcdef01234567",
                needsNewer.path());

        assertThatThrownBy(() -> updater.update(Optional.empty(), resolver.resolve(CHANNEL)))
                .isInstanceOfSatisfying(
                        NixException.class,
                        e -> assertThat(e.kind()).isEqualTo(NixFailureKind.NIX_TOO_OLD))
                .hasMessageStartingWith(
                        "nixpkgs nixos-24.05.1003.0123456789ab needs Nix >= 99.0; this machine has Nix ");
    }

    @Test
    void switchingToANewerChannelRepinsToItsRelease() {
        server.publish(CHANNEL, Revision.REV1);
        server.publish("nixos-24.11", Revision.REV2);
        NixpkgsLock pinned = updater.update(Optional.empty(), resolver.resolve(CHANNEL)).lock();

        LockUpdate switched = updater.update(Optional.of(pinned), resolver.resolve("nixos-24.11"));

        assertThat(switched.changed()).isTrue();
        assertThat(switched.lock().channel()).contains("nixos-24.11");
        assertThat(switched.lock().release()).contains("nixos-24.11.1002.5b3d9e0f1a2c");
        assertThat(switched.lock().sha256().base32()).isEqualTo(nixpkgs.sha256(Revision.REV2));
    }

    @Test
    void writtenLockReadsBackAndVerifiesAgainstTheServer() {
        server.publish(CHANNEL, Revision.REV1);
        Path lockFile = dir.resolve(NixpkgsLock.FILE_NAME);
        updater.update(Optional.empty(), resolver.resolve(CHANNEL)).lock().write(lockFile);

        NixpkgsLock read = NixpkgsLock.read(lockFile);
        PrefetchResult verified = new LockVerifier(prefetcher).verify(read, lockFile);

        assertThat(verified.hash()).isEqualTo(read.sha256());
        assertThat(Path.of(verified.storePath()).resolve("revision.nix")).exists();
    }

    @Test
    void tamperedTarballIsRefusedNamingTheLockAndBothHashes() throws Exception {
        server.publish(CHANNEL, Revision.REV1);
        Path lockFile = dir.resolve(NixpkgsLock.FILE_NAME);
        updater.update(Optional.empty(), resolver.resolve(CHANNEL)).lock().write(lockFile);
        server.tamper(CHANNEL, Revision.REV1);
        NixpkgsLock lock = NixpkgsLock.read(lockFile);

        assertThatThrownBy(() -> new LockVerifier(prefetcher).verify(lock, lockFile))
                .isInstanceOf(NixshipException.class)
                .hasMessage(
                        lockFile
                                + ": nixpkgs tarball "
                                + server.tarballUrl(CHANNEL, Revision.REV1)
                                + " unpacks to sha256 "
                                + nixpkgs.sha256(Revision.REV2)
                                + " but the lock expects "
                                + nixpkgs.sha256(Revision.REV1)
                                + "; refusing to use it (the server changed or tampered with the tarball)");
        assertThat(Files.readString(lockFile)).contains(nixpkgs.sha256(Revision.REV1));
    }

    @Test
    void missingTarballFailsNamingTheUrl() {
        String url = server.url() + "/nixos/24.05/gone/nixexprs.tar.xz";

        assertThatThrownBy(() -> prefetcher.prefetch(url))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining(url)
                .hasMessageContaining("404");
    }

    @Test
    void githubRevisionPinsItsArchive() {
        server.publishGithubArchive(Revision.REV2);
        ChannelRelease release =
                resolver.resolve("github:NixOS/nixpkgs/" + Revision.REV2.gitRevision());

        LockUpdate update = updater.update(Optional.empty(), release);

        assertThat(update.lock().channel())
                .contains("github:NixOS/nixpkgs/" + Revision.REV2.gitRevision());
        assertThat(update.lock().release()).contains("github-5b3d9e0");
        assertThat(update.lock().url())
                .isEqualTo(
                        server.url()
                                + ChannelServer.githubArchivePath(Revision.REV2.gitRevision()));
        assertThat(update.lock().sha256().base32()).isEqualTo(nixpkgs.sha256(Revision.REV2));
    }
}
