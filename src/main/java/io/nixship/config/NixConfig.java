package io.nixship.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code nix} section: which file to build, the environment it is evaluated with, the channel the
 * lock follows, and an optional cap on the runtime closure's total NAR size.
 */
public record NixConfig(
    String file, Map<String, String> env, Optional<String> channel, OptionalLong maxClosureBytes) {
  public static final String DEFAULT_FILE = "default.nix";

  /** {@code BUILD=1} is the seed's convention: the file returns the environment, not a shell. */
  public static final Map<String, String> DEFAULT_ENV = Map.of("BUILD", "1");

  public NixConfig {
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }

  public static NixConfig defaults() {
    return new NixConfig(DEFAULT_FILE, DEFAULT_ENV, Optional.empty(), OptionalLong.empty());
  }
}
