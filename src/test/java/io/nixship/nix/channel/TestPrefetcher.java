package io.nixship.nix.channel;

import io.nixship.cli.HostEnvironment;
import io.nixship.nix.NixSettings;
import io.nixship.nix.NixVersionCheck;
import io.nixship.nix.NixpkgsFetcher;
import io.nixship.nix.Prefetcher;
import io.nixship.nix.SystemProcessRunner;
import java.util.HashMap;
import java.util.Map;

/** The real Nix edges, offline, as the channel tests use them. */
final class TestPrefetcher {
    private TestPrefetcher() {}

    static Prefetcher offline() {
        return new NixpkgsFetcher(new SystemProcessRunner(), settings(Map.of()));
    }

    /** Downloads with {@link #offline()} and refuses what this machine's Nix is too old for. */
    static LockUpdater updater() {
        NixVersionCheck versions =
                new NixVersionCheck(new SystemProcessRunner(), settings(Map.of()));
        return new LockUpdater(offline(), versions::require);
    }

    /**
     * Workstation detection with {@code extra} (e.g. NIX_PATH) on top of this JVM's PATH and HOME.
     */
    static WorkstationNixpkgs workstation(Map<String, String> extra) {
        return new WorkstationNixpkgs(
                new SystemProcessRunner(),
                settings(extra),
                WorkstationNixpkgs.DEFAULT_RELEASES_BASE);
    }

    private static NixSettings settings(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("NIX_PATH");
        env.putAll(extra);
        return HostEnvironment.from(env).nix(line -> {}).withOffline(true);
    }
}
