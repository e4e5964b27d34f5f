package io.nixship.cli;

import io.nixship.nix.NixException;
import io.nixship.nix.NixFailureKind;
import io.nixship.nix.NixSettings;
import io.nixship.nix.NixVersionCheck;
import io.nixship.nix.NixpkgsFetcher;
import io.nixship.nix.SystemProcessRunner;
import io.nixship.nix.channel.ChannelResolver;
import io.nixship.nix.channel.JdkChannelHttp;
import io.nixship.nix.channel.LockRefresher;
import io.nixship.nix.channel.LockUpdate;
import io.nixship.nix.channel.LockUpdater;
import io.nixship.nix.channel.NixpkgsPinner;
import io.nixship.nix.channel.WorkstationNixpkgs;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nixship lock}: pins nixpkgs in {@code nixship.lock} to a channel's newest release, or the
 * workstation's.
 */
@Command(
        name = "lock",
        mixinStandardHelpOptions = true,
        description = {
            "Creates or refreshes nixship.lock: the channel's newest release (revision, tarball, hash),",
            "downloaded once and verified on every later use. A release that needs a newer Nix than this",
            "machine's is refused unless --ignore-nix-version."
        })
final class LockCommand implements Callable<Integer> {
    private final CliContext context;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "The project directory (default: the current directory).")
    Path directory;

    @Option(
            names = "--channel",
            paramLabel = "NAME",
            description =
                    "Channel to pin, e.g. nixos-24.05 (default: the lock's), or github:NixOS/nixpkgs/<rev>.")
    String channel;

    @Option(
            names = "--from-workstation",
            description =
                    "Pin the revision this machine's <nixpkgs> points at, so the image matches the workstation.")
    boolean fromWorkstation;

    @Option(
            names = "--channel-url",
            paramLabel = "URL",
            defaultValue = "https://channels.nixos.org",
            description = "The channel server (default: ${DEFAULT-VALUE}).")
    URI channelUrl;

    @Option(
            names = "--github-url",
            paramLabel = "URL",
            defaultValue = "https://github.com",
            hidden = true)
    URI githubUrl;

    @Option(
            names = "--releases-url",
            paramLabel = "URL",
            defaultValue = "https://releases.nixos.org",
            hidden = true)
    URI releasesUrl;

    @Option(
            names = "--ignore-nix-version",
            description =
                    "Pin a release that needs a newer Nix than this machine's (for a CI that has it), with a warning.")
    boolean ignoreNixVersion;

    LockCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        CommandSession session = new CommandSession(context);
        NixSettings nix = context.host().nix(session::log);
        SystemProcessRunner processes = new SystemProcessRunner();
        NixVersionCheck versions = new NixVersionCheck(processes, nix);
        NixpkgsPinner pinner =
                new NixpkgsPinner(
                        new ChannelResolver(new JdkChannelHttp(), channelUrl, githubUrl),
                        new LockUpdater(
                                new NixpkgsFetcher(processes, nix),
                                (storePath, release) ->
                                        versions.problem(storePath, release)
                                                .ifPresent(
                                                        problem ->
                                                                refuseOrWarn(session, problem))));
        Path project =
                directory == null
                        ? context.workingDir()
                        : context.workingDir().resolve(directory).normalize();
        LockUpdate update =
                new LockRefresher(pinner)
                        .refresh(
                                project,
                                Optional.ofNullable(channel),
                                fromWorkstation
                                        ? Optional.of(
                                                new WorkstationNixpkgs(processes, nix, releasesUrl))
                                        : Optional.empty());
        String pinned =
                update.lock().release().orElse(update.lock().url())
                        + update.lock().revision().map(rev -> " (" + rev + ")").orElse("");
        session.log(
                update.changed()
                        ? update.previous().isPresent()
                                ? "nixship.lock moved to " + pinned
                                : "nixship.lock created: " + pinned
                        : "nixship.lock is current: " + pinned);
        session.actions().setOutput("changed", Boolean.toString(update.changed()));
        session.result(update.lock().toYaml().strip());
        return 0;
    }

    /**
     * A release this Nix cannot evaluate is refused, unless the user pins it for a newer Nix
     * elsewhere.
     */
    private void refuseOrWarn(CommandSession session, String problem) {
        if (!ignoreNixVersion) {
            throw new NixException(
                    NixFailureKind.NIX_TOO_OLD,
                    problem
                            + "; to pin it anyway for a machine with a newer Nix, add --ignore-nix-version",
                    List.of());
        }
        session.log("nixship: warning: " + problem + " (pinned anyway: --ignore-nix-version)");
    }
}
