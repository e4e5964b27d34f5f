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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nixship lock} against a channel server laid out like channels.nixos.org, with real Nix. */
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
    String[] args = new String[extra.length + 3];
    args[0] = "lock";
    args[1] = "--channel-url=" + server.url();
    args[2] = "--github-url=" + server.url();
    System.arraycopy(extra, 0, args, 3, extra.length);
    return CliRun.offline(project, home).run(args);
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
    assertThat(moved.err()).contains("nixship.lock moved to " + ChannelServer.releaseName(CHANNEL, Revision.REV2));
    NixpkgsLock lock = NixpkgsLock.read(project.resolve("nixship.lock"));
    assertThat(lock.revision()).contains(Revision.REV2.gitRevision());
    assertThat(lock.sha256().base32()).isEqualTo(TestNixpkgs.get().sha256(Revision.REV2));
  }

  @Test
  void anUnknownChannelIsAUsageErrorNamingIt() {
    CliRun.Result result = lock("--channel", "nixos-99.05");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err().strip()).startsWith("nixship: error: ").contains("nixos-99.05").doesNotContain("\n");
    assertThat(project.resolve("nixship.lock")).doesNotExist();
  }

  @Test
  void withoutALockOrAChannelItSaysWhatToPass() {
    CliRun.Result result = lock();

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--channel");
  }
}
