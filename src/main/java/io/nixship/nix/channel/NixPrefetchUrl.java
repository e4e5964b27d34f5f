package io.nixship.nix.channel;

import io.nixship.NixshipException;
import io.nixship.config.NixHash;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@link Prefetcher} through {@code nix-prefetch-url --unpack}, which copes with {@code .tar.xz} and
 * {@code .tar.gz} alike (it detects the compression from the bytes, not the name). No expected hash
 * is passed on purpose: with one, Nix skips the download when the store path exists, and a
 * verification must see what the URL serves now.
 */
public final class NixPrefetchUrl implements Prefetcher {
  /**
   * The store name {@code builtins.fetchTarball} uses by default, so a later {@code fetchTarball} of
   * the same URL and hash finds the tree already in the store.
   */
  static final String STORE_NAME = "source";

  private final NixCommands commands;

  public NixPrefetchUrl() {
    this(Map.of());
  }

  /** @param environment added to this process's environment, e.g. {@code NIX_CONFIG} */
  public NixPrefetchUrl(Map<String, String> environment) {
    this.commands = new NixCommands(environment);
  }

  @Override
  public PrefetchResult prefetch(String url) {
    String out =
        commands.run(
            List.of(
                "nix-prefetch-url",
                "--unpack",
                "--type",
                "sha256",
                "--print-path",
                "--name",
                STORE_NAME,
                "--option",
                "substituters",
                "",
                url));
    List<String> lines = out.strip().lines().toList();
    if (lines.size() != 2) {
      throw NixshipException.failure(
          "nix-prefetch-url " + url + " printed " + lines.size() + " lines, expected hash and path");
    }
    NixHash hash =
        NixHash.parse(lines.get(0))
            .orElseThrow(
                () ->
                    NixshipException.failure(
                        "nix-prefetch-url " + url + " printed '" + lines.get(0) + "', not a sha256"));
    return new PrefetchResult(hash, Path.of(lines.get(1)));
  }
}
