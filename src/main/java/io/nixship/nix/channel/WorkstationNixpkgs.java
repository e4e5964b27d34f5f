package io.nixship.nix.channel;

import io.nixship.NixshipException;
import io.nixship.nix.NixCommands;
import io.nixship.nix.NixSettings;
import io.nixship.nix.ProcessResult;
import io.nixship.nix.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the nixpkgs revision the workstation's {@code <nixpkgs>} points at, for {@code nixship lock
 * --from-workstation}, so the image is built from exactly what the developer runs.
 *
 * <p>Channel trees as Nix installs them carry {@code .git-revision} (the full commit), {@code
 * .version} and {@code .version-suffix} (e.g. {@code 24.05} and {@code .7376.b134951a4c9f}); older
 * ones carry {@code svn-revision} ({@code 7376.b134951a4c9f}). Without those files {@code
 * (import <nixpkgs/lib>).version} still ends in the abbreviated commit on channel trees.
 *
 * <p>The lock pins the GitHub archive of that commit: the local tree is not downloadable, and
 * GitHub serves every commit. Its channel is the one the user names or the current lock's, so
 * that later updates follow that channel; without either it is the {@code github:} spec of the
 * commit, which needs the full commit id.
 */
public final class WorkstationNixpkgs {
  private static final Pattern ABBREVIATED = Pattern.compile("[0-9a-f]{7,40}");
  /** A version ending in a release suffix: {@code 24.05.7376.b134951a4c9f}, {@code 24.11pre712431.a0f3e10d9435}. */
  private static final Pattern VERSION_WITH_COMMIT =
      Pattern.compile("[0-9]{2}\\.[0-9]{2}(?:\\.|pre)[0-9]+\\.([0-9a-f]{7,40})");

  private final NixCommands commands;
  private final Map<String, String> nixPath;

  /** The settings' host environment's {@code NIX_PATH} decides what {@code <nixpkgs>} is. */
  public WorkstationNixpkgs(ProcessRunner runner, NixSettings settings) {
    this.commands = new NixCommands(runner, settings);
    String value = settings.hostEnvironment().get("NIX_PATH");
    this.nixPath = value == null ? Map.of() : Map.of("NIX_PATH", value);
  }

  public WorkstationRevision detect() {
    Path dir = nixpkgsDir();
    Optional<String> version = versionFromFiles(dir);
    Optional<String> gitRevision = readSmallFile(dir.resolve(".git-revision"));
    if (gitRevision.isPresent()) {
      if (!ChannelSpec.FULL_REVISION.matcher(gitRevision.get()).matches()) {
        throw NixshipException.failure(
            dir.resolve(".git-revision") + " holds '" + gitRevision.get() + "', not a git commit id");
      }
      return new WorkstationRevision(dir, gitRevision.get(), version, ".git-revision");
    }
    Optional<String> svnRevision = readSmallFile(dir.resolve("svn-revision"));
    if (svnRevision.isPresent()) {
      String value = svnRevision.get();
      String commit = value.substring(value.lastIndexOf('.') + 1);
      if (!ABBREVIATED.matcher(commit).matches()) {
        throw NixshipException.failure(
            dir.resolve("svn-revision") + " holds '" + value + "', not <count>.<commit>");
      }
      return new WorkstationRevision(dir, commit, version, "svn-revision");
    }
    String libVersion = libVersion();
    Matcher matcher = VERSION_WITH_COMMIT.matcher(libVersion);
    if (!matcher.matches()) {
      throw NixshipException.usage(
          "cannot tell which nixpkgs commit <nixpkgs> is ("
              + dir
              + "): no .git-revision or svn-revision, and lib.version '"
              + libVersion
              + "' names no commit; pin one with --channel github:NixOS/nixpkgs/<commit>");
    }
    return new WorkstationRevision(dir, matcher.group(1), Optional.of(libVersion), "lib.version");
  }

  /**
   * The release to pin for a detected revision.
   *
   * @param channel the channel the user named, else the current lock's; empty for neither
   */
  public static ChannelRelease release(
      WorkstationRevision workstation, Optional<String> channel, ChannelResolver resolver) {
    String revision = workstation.revision();
    boolean full = ChannelSpec.FULL_REVISION.matcher(revision).matches();
    if (channel.isEmpty() && !full) {
      throw NixshipException.usage(
          "<nixpkgs> ("
              + workstation.nixpkgsDir()
              + ") names only the abbreviated commit "
              + revision
              + " (from "
              + workstation.source()
              + "); name the channel it follows with --channel");
    }
    String channelName =
        channel.orElseGet(() -> new ChannelSpec.GithubRevision(revision).spec());
    String prefix = channelName.startsWith("nixos-") ? "nixos-" : "nixpkgs-";
    String release =
        workstation
            .version()
            .map(version -> prefix + version)
            .orElse("github-" + revision.substring(0, 7));
    return new ChannelRelease(channelName, release, revision, resolver.githubArchiveUrl(revision));
  }

  private Path nixpkgsDir() {
    String out =
        instantiate(List.of("--find-file", "nixpkgs")).strip();
    Path dir = Path.of(out);
    if (out.isEmpty() || !Files.isDirectory(dir)) {
      throw NixshipException.usage(
          "<nixpkgs> resolves to '" + out + "', which is not a directory; check NIX_PATH");
    }
    return dir;
  }

  /** Through {@code <nixpkgs/lib>} rather than the path, which would need quoting for Nix. */
  private String libVersion() {
    String out =
        instantiate(List.of("--eval", "--expr", "(import <nixpkgs/lib>).version"));
    return out.strip().replaceAll("^\"|\"$", "");
  }

  private String instantiate(List<String> args) {
    ProcessResult result = commands.run("nix-instantiate", args, nixPath, Optional.empty());
    if (!result.succeeded()) {
      throw NixshipException.failure(
          "nix-instantiate " + String.join(" ", args) + " failed with exit code " + result.exitCode()
              + ": " + String.join(" ", result.stderrTail()));
    }
    return result.stdout();
  }

  /** {@code .version} (or {@code lib/.version}) joined with {@code .version-suffix}, as lib does. */
  private static Optional<String> versionFromFiles(Path dir) {
    Optional<String> version =
        readSmallFile(dir.resolve(".version")).or(() -> readSmallFile(dir.resolve("lib/.version")));
    Optional<String> suffix = readSmallFile(dir.resolve(".version-suffix"));
    return version.flatMap(v -> suffix.map(s -> v + s));
  }

  private static Optional<String> readSmallFile(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? Optional.empty() : Optional.of(text);
    } catch (IOException e) {
      throw NixshipException.failure("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
