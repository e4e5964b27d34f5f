package io.nixship.cli;

import io.nixship.nix.channel.LockUpdate;
import io.nixship.pipeline.lock.LockService;
import java.net.URI;
import java.nio.file.Path;
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
        Path project =
                directory == null
                        ? context.workingDir()
                        : context.workingDir().resolve(directory).normalize();
        LockUpdate update =
                UseCases.from(context, session)
                        .lock(channelUrl, githubUrl, releasesUrl)
                        .lock(
                                new LockService.Request(
                                        project,
                                        Optional.ofNullable(channel),
                                        fromWorkstation,
                                        ignoreNixVersion));
        session.actions().setOutput("changed", Boolean.toString(update.changed()));
        session.result(update.lock().toYaml().strip());
        return 0;
    }
}
