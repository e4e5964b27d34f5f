package io.nixship.nix.channel;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stable release channels and their order, for {@code --follow-releases}. NixOS releases twice a
 * year, YY.05 and YY.11; a stable channel's successor keeps its prefix and suffix ({@code
 * nixpkgs-24.05-darwin} is followed by {@code nixpkgs-24.11-darwin}). {@code *-unstable} channels
 * have no successor.
 */
public final class ChannelVersions {
    private static final Pattern STABLE =
            Pattern.compile("(nixos|nixpkgs)-([0-9]{2})\\.([0-9]{2})(-[a-z0-9]+)?");

    /** Releases looked ahead at most; a lock a few years behind still moves in one step. */
    static final int MAX_PROBES = 8;

    /** Answers whether a channel is published. */
    @FunctionalInterface
    public interface ChannelProbe {
        boolean exists(String channel);
    }

    /** A stable channel name taken apart: {@code nixos-24.05-small} is (nixos, 24, 5, -small). */
    public record StableChannel(String prefix, int year, int month, String suffix)
            implements Comparable<StableChannel> {

        public static Optional<StableChannel> parse(String channel) {
            Matcher matcher = STABLE.matcher(channel);
            if (!matcher.matches()) {
                return Optional.empty();
            }
            return Optional.of(
                    new StableChannel(
                            matcher.group(1),
                            Integer.parseInt(matcher.group(2)),
                            Integer.parseInt(matcher.group(3)),
                            matcher.group(4) == null ? "" : matcher.group(4)));
        }

        /** The release after this one: YY.05 to YY.11, YY.11 to (YY+1).05. */
        public StableChannel next() {
            if (month < 5) {
                return new StableChannel(prefix, year, 5, suffix);
            }
            if (month < 11) {
                return new StableChannel(prefix, year, 11, suffix);
            }
            return new StableChannel(prefix, year + 1, 5, suffix);
        }

        public String name() {
            return String.format("%s-%02d.%02d%s", prefix, year, month, suffix);
        }

        /** Orders by release date only; compare channels of the same prefix and suffix. */
        @Override
        public int compareTo(StableChannel other) {
            return Integer.compare(year * 100 + month, other.year * 100 + other.month);
        }
    }

    private ChannelVersions() {}

    /**
     * True when both are stable channels of the same kind and {@code candidate} is the later one.
     */
    public static boolean isNewer(String candidate, String current) {
        Optional<StableChannel> a = StableChannel.parse(candidate);
        Optional<StableChannel> b = StableChannel.parse(current);
        return a.isPresent()
                && b.isPresent()
                && a.get().prefix().equals(b.get().prefix())
                && a.get().suffix().equals(b.get().suffix())
                && a.get().compareTo(b.get()) > 0;
    }

    /**
     * The newest published stable channel after {@code current}: probes the next releases in order
     * and stops at the first that is not published. Empty when the next one is not published or
     * {@code current} is not a stable channel.
     */
    public static Optional<String> newerStable(String current, ChannelProbe probe) {
        Optional<StableChannel> parsed = StableChannel.parse(current);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> newest = Optional.empty();
        StableChannel candidate = parsed.get();
        for (int i = 0; i < MAX_PROBES; i++) {
            candidate = candidate.next();
            if (!probe.exists(candidate.name())) {
                break;
            }
            newest = Optional.of(candidate.name());
        }
        return newest;
    }
}
