package io.nixship.nix.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import io.nixship.config.NixpkgsLock;
import io.nixship.testsupport.ChannelServer;
import io.nixship.testsupport.TestNixpkgs;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("nix")
class NixpkgsPinnerTest {
    private static final String CHANNEL = TestNixpkgs.CHANNEL;

    private final TestNixpkgs nixpkgs = TestNixpkgs.get();
    private ChannelServer server;
    private NixpkgsPinner pinner;

    @TempDir Path dir;

    @BeforeEach
    void startServer() {
        server = ChannelServer.start();
        pinner =
                new NixpkgsPinner(
                        new ChannelResolver(new JdkChannelHttp(), server.url(), server.url()),
                        TestPrefetcher.updater());
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void laterPinsFollowTheChannelTheLockNames() {
        server.publish(CHANNEL, Revision.REV1);
        NixpkgsLock first = pinner.pin(Optional.empty(), Optional.of(CHANNEL)).lock();
        server.publish(CHANNEL, Revision.REV2);

        LockUpdate moved = pinner.pin(Optional.of(first), Optional.empty());

        assertThat(moved.changed()).isTrue();
        assertThat(moved.lock().channel()).contains(CHANNEL);
        assertThat(moved.lock().revision()).contains(Revision.REV2.gitRevision());
        assertThat(moved.lock().sha256().base32()).isEqualTo(nixpkgs.sha256(Revision.REV2));
    }

    @Test
    void withoutAChannelAnywhereAsksForOne() {
        assertThatThrownBy(() -> pinner.pin(Optional.empty(), Optional.empty()))
                .isInstanceOf(NixshipException.class)
                .hasMessage("no nixship.lock yet; pass --channel, e.g. --channel nixos-24.05");
    }

    @Test
    void aLockOnTheChannelsCommitStaysAsItIsWithoutADownload() {
        NixpkgsLock example = exampleLock(Revision.REV1);
        server.publish(CHANNEL, Revision.REV1);

        LockUpdate update = pinner.pin(Optional.of(example), Optional.empty());

        assertThat(update.changed()).isFalse();
        assertThat(update.lock()).isEqualTo(example);
        assertThat(update.lock().url()).startsWith("file:///");
        assertThat(server.requests(server.tarballPath(CHANNEL, Revision.REV1))).isZero();
    }

    @Test
    void workstationPinFollowsTheLocksChannel() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("nixpkgs"));
        Files.writeString(tree.resolve("default.nix"), "{ ... }: { }\n");
        Files.writeString(tree.resolve(".git-revision"), Revision.REV2.gitRevision());
        server.publishGithubArchive(Revision.REV2);

        LockUpdate update =
                pinner.pinWorkstation(
                        Optional.of(exampleLock(Revision.REV1)),
                        Optional.empty(),
                        TestPrefetcher.workstation(Map.of("NIX_PATH", "nixpkgs=" + tree)));

        assertThat(update.changed()).isTrue();
        assertThat(update.lock().channel()).contains(CHANNEL);
        assertThat(update.lock().revision()).contains(Revision.REV2.gitRevision());
        assertThat(update.lock().url())
                .isEqualTo(
                        server.url()
                                + ChannelServer.githubArchivePath(Revision.REV2.gitRevision()));
        assertThat(update.lock().sha256().base32()).isEqualTo(nixpkgs.sha256(Revision.REV2));
    }

    @Test
    void workstationPinRefusesAGithubSpecAsTheChannelToFollow() {
        String spec = "github:NixOS/nixpkgs/" + Revision.REV2.gitRevision();

        assertThatThrownBy(
                        () ->
                                pinner.pinWorkstation(
                                        Optional.empty(),
                                        Optional.of(spec),
                                        TestPrefetcher.workstation(Map.of())))
                .isInstanceOf(NixshipException.class)
                .hasMessage(
                        "--channel '"
                                + spec
                                + "' with --from-workstation must name the channel to follow, like nixos-24.05");
    }

    private NixpkgsLock exampleLock(Revision revision) {
        return NixpkgsLock.parse(
                nixpkgs.lockYaml(revision).getBytes(StandardCharsets.UTF_8), NixpkgsLock.FILE_NAME);
    }
}
