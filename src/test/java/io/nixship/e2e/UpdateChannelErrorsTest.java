package io.nixship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.config.NixpkgsLock;
import io.nixship.testsupport.ChannelServer;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.TestNixpkgs;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nixship update-channel} refuses bad input in one line, before anything is downloaded or
 * built.
 */
class UpdateChannelErrorsTest {
    @TempDir Path dir;
    @TempDir Path home;

    @Test
    void aMisspeltChannelIsAUsageErrorNamingIt() {
        ExampleProject project = ExampleProject.create(dir.resolve("project"), Revision.REV1);

        CliRun.Result result =
                CliRun.offline(project.dir(), home)
                        .run("update-channel", "--channel", "nixos-2405");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().strip())
                .startsWith("nixship: error: channel 'nixos-2405'")
                .doesNotContain("\n");
    }

    @Test
    void aProjectWithoutALockOrChannelSaysHowToPinOne() throws Exception {
        ExampleProject project = ExampleProject.create(dir.resolve("project"), Revision.REV1);
        Files.delete(project.dir().resolve(NixpkgsLock.FILE_NAME));
        project.commitAll("no lock");

        try (ChannelServer channels = ChannelServer.start()) {
            CliRun.Result result =
                    CliRun.offline(project.dir(), home)
                            .run("update-channel", "--dry-run", "--channel-url=" + channels.url());

            assertThat(result.exitCode()).isEqualTo(2);
            assertThat(result.err())
                    .contains("no nixship.lock at commit", "nixship lock --channel");
            assertThat(channels.requests("/" + UpdateChannelHarness.CHANNEL)).isZero();
        }
    }

    @Test
    void aReleaseNeedingANewerNixIsRefusedBeforeAnythingIsBuilt() {
        ExampleProject project = ExampleProject.create(dir.resolve("project"), Revision.REV1);
        TestNixpkgs.Tarball needsNewer = TestNixpkgs.get().needingNix("99.0");
        String release = "nixos-24.05.1003.0123456789ab";

        try (ChannelServer channels = ChannelServer.start()) {
            channels.publish(
                    UpdateChannelHarness.CHANNEL,
                    release,
                    "0123456789abcdef0123456789abcdef01234567",
                    needsNewer.path());
            CliRun.Result result =
                    CliRun.offline(project.dir(), home)
                            .run(
                                    "update-channel",
                                    "--dry-run",
                                    "--channel",
                                    UpdateChannelHarness.CHANNEL,
                                    "--channel-url=" + channels.url(),
                                    "--github-url=" + channels.url());

            assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
            List<String> errors =
                    result.err()
                            .lines()
                            .filter(line -> line.startsWith("nixship: error:"))
                            .toList();
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0))
                    .startsWith(
                            "nixship: error: nixpkgs "
                                    + release
                                    + " needs Nix >= 99.0; this machine has Nix ")
                    .endsWith(
                            ": upgrade Nix to 99.0 or later (Debian 13's nix-bin; in GitHub Actions, a nixship action"
                                    + " whose image has it), or pin a release this Nix can"
                                    + " evaluate with 'nixship lock --channel NAME'");
            assertThat(result.err())
                    .doesNotContain("building ")
                    .doesNotContain("evaluation failed");
        }
    }
}
