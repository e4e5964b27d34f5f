package io.nixship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.config.NixpkgsLock;
import io.nixship.testsupport.ChannelServer;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nixship update-channel} refuses bad input in one line, before anything is downloaded or built. */
class UpdateChannelErrorsTest {
  @TempDir Path dir;
  @TempDir Path home;

  @Test
  void aMisspeltChannelIsAUsageErrorNamingIt() {
    ExampleProject project = ExampleProject.create(dir.resolve("project"), Revision.REV1);

    CliRun.Result result = CliRun.offline(project.dir(), home).run("update-channel", "--channel", "nixos-2405");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err().strip()).startsWith("nixship: error: channel 'nixos-2405'").doesNotContain("\n");
  }

  @Test
  void aProjectWithoutALockOrChannelSaysHowToPinOne() throws Exception {
    ExampleProject project = ExampleProject.create(dir.resolve("project"), Revision.REV1);
    Files.delete(project.dir().resolve(NixpkgsLock.FILE_NAME));
    project.commitAll("no lock");

    try (ChannelServer channels = ChannelServer.start()) {
      CliRun.Result result = CliRun.offline(project.dir(), home)
          .run("update-channel", "--dry-run", "--channel-url=" + channels.url());

      assertThat(result.exitCode()).isEqualTo(2);
      assertThat(result.err()).contains("no nixship.lock at commit", "nixship lock --channel");
      assertThat(channels.requests("/" + UpdateChannelHarness.CHANNEL)).isZero();
    }
  }
}
