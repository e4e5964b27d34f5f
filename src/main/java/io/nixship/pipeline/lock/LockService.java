package io.nixship.pipeline.lock;

import io.nixship.nix.NixException;
import io.nixship.nix.NixFailureKind;
import io.nixship.nix.NixVersionCheck;
import io.nixship.nix.Prefetcher;
import io.nixship.nix.channel.ChannelResolver;
import io.nixship.nix.channel.LockRefresher;
import io.nixship.nix.channel.LockUpdate;
import io.nixship.nix.channel.LockUpdater;
import io.nixship.nix.channel.NixpkgsPinner;
import io.nixship.nix.channel.WorkstationNixpkgs;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Pins nixpkgs in a project's {@code nixship.lock} to a channel's newest release, or to the
 * workstation's; a release this machine's Nix is too old to evaluate is refused unless the request
 * pins it anyway (for a CI with a newer Nix), with a warning.
 */
public final class LockService {
    private final ChannelResolver channels;
    private final Prefetcher prefetcher;
    private final NixVersionCheck versions;
    private final WorkstationNixpkgs workstation;
    private final Consumer<String> log;

    public LockService(
            ChannelResolver channels,
            Prefetcher prefetcher,
            NixVersionCheck versions,
            WorkstationNixpkgs workstation,
            Consumer<String> log) {
        this.channels = channels;
        this.prefetcher = prefetcher;
        this.versions = versions;
        this.workstation = workstation;
        this.log = log;
    }

    /**
     * @param channel the channel to pin (empty: the lock's)
     * @param fromWorkstation pin what this machine's {@code <nixpkgs>} points at
     * @param ignoreNixVersion pin a release that needs a newer Nix than this machine's
     */
    public record Request(
            Path project,
            Optional<String> channel,
            boolean fromWorkstation,
            boolean ignoreNixVersion) {}

    public LockUpdate lock(Request request) {
        NixpkgsPinner pinner =
                new NixpkgsPinner(
                        channels,
                        new LockUpdater(
                                prefetcher,
                                (storePath, release) ->
                                        versions.problem(storePath, release)
                                                .ifPresent(
                                                        problem ->
                                                                refuseOrWarn(
                                                                        problem,
                                                                        request
                                                                                .ignoreNixVersion()))));
        LockUpdate update =
                new LockRefresher(pinner)
                        .refresh(
                                request.project(),
                                request.channel(),
                                request.fromWorkstation()
                                        ? Optional.of(workstation)
                                        : Optional.empty());
        String pinned =
                update.lock().release().orElse(update.lock().url())
                        + update.lock().revision().map(rev -> " (" + rev + ")").orElse("");
        log.accept(
                update.changed()
                        ? update.previous().isPresent()
                                ? "nixship.lock moved to " + pinned
                                : "nixship.lock created: " + pinned
                        : "nixship.lock is current: " + pinned);
        return update;
    }

    private void refuseOrWarn(String problem, boolean ignoreNixVersion) {
        if (!ignoreNixVersion) {
            throw new NixException(
                    NixFailureKind.NIX_TOO_OLD,
                    problem
                            + "; to pin it anyway for a machine with a newer Nix, add --ignore-nix-version",
                    List.of());
        }
        log.accept("nixship: warning: " + problem + " (pinned anyway: --ignore-nix-version)");
    }
}
