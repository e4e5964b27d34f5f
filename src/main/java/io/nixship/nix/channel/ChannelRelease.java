package io.nixship.nix.channel;

/**
 * One nixpkgs release to pin.
 *
 * @param channel what the user asked for and what later updates resolve again: a channel name such
 *     as {@code nixos-24.05}, or a {@code github:NixOS/nixpkgs/<rev>} spec
 * @param release the release name, e.g. {@code nixos-24.05.7376.b134951a4c9f} or {@code
 *     github-b134951}
 * @param revision the nixpkgs commit: 40 hex digits, or the abbreviated id when only that is known
 *     (a workstation channel without {@code .git-revision})
 * @param tarballUrl the source tarball of exactly this release
 */
public record ChannelRelease(String channel, String release, String revision, String tarballUrl) {

    /** True when {@link #revision} is a full commit id that a lock can record. */
    public boolean hasFullRevision() {
        return ChannelSpec.FULL_REVISION.matcher(revision).matches();
    }
}
