package io.nixship.nix.channel;

import io.nixship.NixshipException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code --channel} names: a channel on the channel server or one GitHub commit of nixpkgs.
 */
public sealed interface ChannelSpec {

    Pattern FULL_REVISION = Pattern.compile("[0-9a-f]{40}");

    /**
     * Channel names as channels.nixos.org lists them: {@code nixos-24.05}, {@code nixos-unstable},
     * {@code nixos-24.05-small}, {@code nixpkgs-24.05-darwin}. Strict because the name becomes a
     * URL path.
     */
    Pattern CHANNEL_NAME =
            Pattern.compile("(nixos|nixpkgs)-(unstable|[0-9]{2}\\.[0-9]{2})(-[a-z0-9]+)?");

    Pattern GITHUB = Pattern.compile("github:NixOS/nixpkgs/(.*)");

    /** A channel published on the channel server. */
    record Channel(String name) implements ChannelSpec {}

    /**
     * One commit of github.com/NixOS/nixpkgs, written {@code github:NixOS/nixpkgs/<40-hex rev>}.
     */
    record GithubRevision(String revision) implements ChannelSpec {
        public String spec() {
            return "github:NixOS/nixpkgs/" + revision;
        }

        /** {@code github-<first 7 hex>}, the release name locks record for it. */
        public String release() {
            return "github-" + revision.substring(0, 7);
        }
    }

    /** Parses a {@code --channel} value; a bad one is a usage error naming it. */
    static ChannelSpec parse(String value) {
        Matcher github = GITHUB.matcher(value);
        if (github.matches()) {
            String revision = github.group(1);
            if (!FULL_REVISION.matcher(revision).matches()) {
                throw NixshipException.usage(
                        "channel '"
                                + value
                                + "': the revision after github:NixOS/nixpkgs/ must be a full 40-character"
                                + " lowercase commit id");
            }
            return new GithubRevision(revision);
        }
        if (CHANNEL_NAME.matcher(value).matches()) {
            return new Channel(value);
        }
        throw NixshipException.usage(
                "channel '"
                        + value
                        + "' is not a channel name like nixos-24.05, nixos-unstable or nixpkgs-24.05-darwin,"
                        + " nor github:NixOS/nixpkgs/<40-hex commit>");
    }
}
