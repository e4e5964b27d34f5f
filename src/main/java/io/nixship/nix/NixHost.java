package io.nixship.nix;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What Nix takes from the machine nixship runs on: the host variables a Nix child may see ({@code
 * passedThrough}: Nix's own, locale, proxies; never tokens), the workstation's {@code NIX_PATH}
 * (read to find {@code <nixpkgs>}, never handed to a child), and as written (checked when a Nix
 * command runs) {@code NIXSHIP_NIX_QUIET_NOTICE} and the user Nix runs as, {@code
 * NIXSHIP_NIX_USER}.
 */
public record NixHost(
        Map<String, String> passedThrough,
        Optional<String> nixPath,
        Optional<String> quietNotice,
        Optional<String> user) {
    public NixHost {
        passedThrough = Collections.unmodifiableMap(new LinkedHashMap<>(passedThrough));
    }

    String variable(String name, String fallback) {
        return passedThrough.getOrDefault(name, fallback);
    }
}
