package io.nixship.nix.channel;

import io.nixship.NixshipException;
import io.nixship.config.NixHash;
import io.nixship.nix.NixCommands;
import io.nixship.nix.NixSettings;
import io.nixship.nix.NixpkgsFetcher;
import io.nixship.nix.PrefetchResult;
import io.nixship.nix.ProcessResult;
import io.nixship.nix.ProcessRunner;
import java.io.IOException;
import java.net.URI;
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
 * ones carry {@code svn-revision} ({@code 7376.b134951a4c9f}). Without those files {@code (import
 * <nixpkgs/lib>).version} still ends in the abbreviated commit on channel trees.
 *
 * <p>A channel tree (one whose version names its release) that follows a channel is pinned as it
 * is: it is added to the store under the name a tarball unpacks to, so this machine never downloads
 * it, and the lock's URL is the release's tarball in releases.nixos.org's layout ({@code
 * nixos/24.05/nixos-24.05.7376.b134951a4c9f/nixexprs.tar.xz}), which is what the channel unpacked:
 * CI downloads it and checks it against the same hash. Otherwise the lock pins the GitHub archive
 * of the commit. The channel is the one the user names or the current lock's, so that later updates
 * follow that channel; without either it is the {@code github:} spec of the commit, which needs the
 * full commit id.
 */
public final class WorkstationNixpkgs {
    private static final Pattern STABLE_SERIES = Pattern.compile("-(\\d{2}\\.\\d{2})(?:-|$)");
    private static final Pattern ABBREVIATED = Pattern.compile("[0-9a-f]{7,40}");

    /**
     * A version ending in a release suffix: {@code 24.05.7376.b134951a4c9f}, {@code
     * 24.11pre712431.a0f3e10d9435}.
     */
    private static final Pattern VERSION_WITH_COMMIT =
            Pattern.compile("[0-9]{2}\\.[0-9]{2}(?:\\.|pre)[0-9]+\\.([0-9a-f]{7,40})");

    public static final URI DEFAULT_RELEASES_BASE = URI.create("https://releases.nixos.org");

    /**
     * Copies a directory into the store under the name {@code nix-prefetch-url --unpack} gives
     * trees.
     */
    private static final String ADD_TREE =
            "{ dir }: builtins.path { path = /. + dir; name = \""
                    + NixpkgsFetcher.STORE_NAME
                    + "\"; }";

    private final NixCommands commands;
    private final Map<String, String> nixPath;
    private final String releasesBase;

    /**
     * The host's {@code NIX_PATH} decides what {@code <nixpkgs>} is; {@code releasesBase} is where
     * channel releases live ({@link #DEFAULT_RELEASES_BASE}).
     */
    public WorkstationNixpkgs(ProcessRunner runner, NixSettings settings, URI releasesBase) {
        this.commands = new NixCommands(runner, settings);
        this.nixPath =
                settings.host().nixPath().map(value -> Map.of("NIX_PATH", value)).orElse(Map.of());
        this.releasesBase = releasesBase.toString().replaceAll("/+$", "");
    }

    public WorkstationRevision detect() {
        Path dir = nixpkgsDir();
        Optional<String> version = versionFromFiles(dir);
        Optional<String> gitRevision = readSmallFile(dir.resolve(".git-revision"));
        if (gitRevision.isPresent()) {
            if (!ChannelSpec.FULL_REVISION.matcher(gitRevision.get()).matches()) {
                throw NixshipException.failure(
                        dir.resolve(".git-revision")
                                + " holds '"
                                + gitRevision.get()
                                + "', not a git commit id");
            }
            return new WorkstationRevision(dir, gitRevision.get(), version, ".git-revision");
        }
        Optional<String> svnRevision = readSmallFile(dir.resolve("svn-revision"));
        if (svnRevision.isPresent()) {
            String value = svnRevision.get();
            String commit = value.substring(value.lastIndexOf('.') + 1);
            if (!ABBREVIATED.matcher(commit).matches()) {
                throw NixshipException.failure(
                        dir.resolve("svn-revision")
                                + " holds '"
                                + value
                                + "', not <count>.<commit>");
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
        return new WorkstationRevision(
                dir, matcher.group(1), Optional.of(libVersion), "lib.version");
    }

    /**
     * True when the lock pins the detected tree itself: it names its release and follows {@code
     * channel}, so the release's tarball on the channel's server unpacks to exactly this tree.
     */
    public static boolean pinsLocalTree(WorkstationRevision workstation, Optional<String> channel) {
        return channel.isPresent() && workstation.version().isPresent();
    }

    /**
     * The release to pin for a detected revision: the channel's release tarball when {@link
     * #pinsLocalTree}, else the commit's GitHub archive.
     *
     * @param channel the channel the user named, else the current lock's; empty for neither
     */
    public ChannelRelease release(
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
        requireSameSeries(workstation, channelName);
        String prefix = channelName.startsWith("nixos-") ? "nixos-" : "nixpkgs-";
        String release =
                workstation
                        .version()
                        .map(version -> prefix + version)
                        .orElse("github-" + revision.substring(0, 7));
        String url =
                pinsLocalTree(workstation, channel)
                        ? releaseTarballUrl(channelName, release)
                        : resolver.githubArchiveUrl(revision);
        return new ChannelRelease(channelName, release, revision, url);
    }

    /**
     * A stable channel ({@code nixos-24.05}, {@code nixos-24.05-small}, {@code
     * nixpkgs-24.05-darwin}) serves only its own series' releases: a 24.11 tree pinned under
     * nixos-24.05 would name a tarball no server has.
     */
    private static void requireSameSeries(WorkstationRevision workstation, String channelName) {
        Matcher series = STABLE_SERIES.matcher(channelName);
        if (series.find()
                && workstation.version().isPresent()
                && !workstation.version().get().startsWith(series.group(1))) {
            throw NixshipException.usage(
                    "<nixpkgs> ("
                            + workstation.nixpkgsDir()
                            + ") is release "
                            + workstation.version().get()
                            + ", not one of channel "
                            + channelName
                            + ": name the channel this tree follows with --channel");
        }
    }

    /**
     * Adds the detected tree to the store as a tarball of it would unpack ({@code source}) and
     * reports its hash, which is the hash of the channel's release tarball the tree came from.
     */
    public PrefetchResult addToStore(WorkstationRevision workstation) {
        Path dir;
        try {
            dir = workstation.nixpkgsDir().toRealPath();
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot read " + workstation.nixpkgsDir() + ": " + e.getMessage(), e);
        }
        String storePath =
                instantiate(
                                List.of(
                                        "--eval",
                                        "--read-write-mode",
                                        "--expr",
                                        ADD_TREE,
                                        "--argstr",
                                        "dir",
                                        dir.toString()))
                        .strip()
                        .replaceAll("^\"|\"$", "");
        ProcessResult hash =
                commands.runChecked("nix-store", List.of("--query", "--hash", storePath));
        NixHash parsed =
                NixHash.parse(hash.stdout().strip())
                        .orElseThrow(
                                () ->
                                        NixshipException.failure(
                                                "nix-store --query --hash "
                                                        + storePath
                                                        + " printed '"
                                                        + hash.stdout().strip()
                                                        + "', not a sha256"));
        return new PrefetchResult(parsed, storePath);
    }

    /**
     * {@code <releases>/nixos/24.05/<release>/nixexprs.tar.xz} for {@code nixos-24.05}, {@code
     * nixos/unstable/...} for {@code nixos-unstable}, {@code nixpkgs/<release>/...} for {@code
     * nixpkgs-unstable}: where releases.nixos.org keeps each channel's releases.
     */
    String releaseTarballUrl(String channel, String release) {
        String project = channel.startsWith("nixos-") ? "nixos" : "nixpkgs";
        String directory =
                channel.equals("nixpkgs-unstable")
                        ? project
                        : project + "/" + channel.substring(project.length() + 1);
        return releasesBase + "/" + directory + "/" + release + "/" + ChannelResolver.TARBALL;
    }

    private Path nixpkgsDir() {
        String out = instantiate(List.of("--find-file", "nixpkgs")).strip();
        Path dir = Path.of(out);
        if (out.isEmpty() || !Files.isDirectory(dir)) {
            throw NixshipException.usage(
                    "<nixpkgs> resolves to '"
                            + out
                            + "', which is not a directory; check NIX_PATH");
        }
        return dir;
    }

    /** Through {@code <nixpkgs/lib>} rather than the path, which would need quoting for Nix. */
    private String libVersion() {
        String out = instantiate(List.of("--eval", "--expr", "(import <nixpkgs/lib>).version"));
        return out.strip().replaceAll("^\"|\"$", "");
    }

    private String instantiate(List<String> args) {
        ProcessResult result = commands.run("nix-instantiate", args, nixPath, Optional.empty());
        if (!result.succeeded()) {
            throw NixshipException.failure(
                    "nix-instantiate "
                            + String.join(" ", args)
                            + " failed with exit code "
                            + result.exitCode()
                            + ": "
                            + String.join(" ", result.stderrTail()));
        }
        return result.stdout();
    }

    /**
     * {@code .version} (or {@code lib/.version}) joined with {@code .version-suffix}, as lib does.
     */
    private static Optional<String> versionFromFiles(Path dir) {
        Optional<String> version =
                readSmallFile(dir.resolve(".version"))
                        .or(() -> readSmallFile(dir.resolve("lib/.version")));
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
