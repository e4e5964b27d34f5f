package io.nixship.nix.channel;

import io.nixship.NixshipException;
import io.nixship.config.NixpkgsLock;
import java.util.Optional;

/**
 * The core of {@code nixship lock}: picks the channel (the one named with {@code --channel}, else
 * the current lock's), resolves it and moves the lock. Writing the file is the caller's.
 */
public final class NixpkgsPinner {
    private final ChannelResolver resolver;
    private final LockUpdater updater;

    public NixpkgsPinner(ChannelResolver resolver, LockUpdater updater) {
        this.resolver = resolver;
        this.updater = updater;
    }

    /** {@code nixship lock [--channel NAME]}: pins the channel's newest release. */
    public LockUpdate pin(Optional<NixpkgsLock> current, Optional<String> channel) {
        String spec =
                channel.or(() -> current.flatMap(NixpkgsLock::channel))
                        .orElseThrow(
                                () ->
                                        NixshipException.usage(
                                                current.isPresent()
                                                        ? NixpkgsLock.FILE_NAME
                                                                + " names no channel; pass --channel, e.g. --channel nixos-24.05"
                                                        : "no "
                                                                + NixpkgsLock.FILE_NAME
                                                                + " yet; pass --channel, e.g. --channel nixos-24.05"));
        return updater.update(current, resolver.resolve(spec));
    }

    /**
     * {@code nixship lock --from-workstation [--channel NAME]}: pins the commit the local {@code
     * <nixpkgs>} points at; a channel tree is pinned from disk, with no download. The channel
     * recorded is the one named, else the current lock's when it is a channel (a {@code github:}
     * spec names an older commit), else the commit's own {@code github:} spec.
     */
    public LockUpdate pinWorkstation(
            Optional<NixpkgsLock> current,
            Optional<String> channel,
            WorkstationNixpkgs workstation) {
        if (channel.isPresent()
                && !(ChannelSpec.parse(channel.get()) instanceof ChannelSpec.Channel)) {
            throw NixshipException.usage(
                    "--channel '"
                            + channel.get()
                            + "' with --from-workstation must name the channel to follow, like nixos-24.05");
        }
        Optional<String> followed =
                channel.or(
                        () ->
                                current.flatMap(NixpkgsLock::channel)
                                        .filter(
                                                name ->
                                                        ChannelSpec.CHANNEL_NAME
                                                                .matcher(name)
                                                                .matches()));
        WorkstationRevision detected = workstation.detect();
        ChannelRelease release = workstation.release(detected, followed, resolver);
        if (WorkstationNixpkgs.pinsLocalTree(detected, followed)) {
            return updater.update(current, release, () -> workstation.addToStore(detected));
        }
        return updater.update(current, release);
    }
}
