package io.nixship.nix;

import io.nixship.cli.HostEnvironment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Offline settings from this machine's environment, with a log that the test can read. */
final class NixTestSettings {
    final List<String> log = new CopyOnWriteArrayList<>();
    final NixSettings settings =
            HostEnvironment.from(System.getenv()).nix(log::add).withOffline(true);
}
