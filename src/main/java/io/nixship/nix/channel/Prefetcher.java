package io.nixship.nix.channel;

import io.nixship.config.NixHash;
import java.nio.file.Path;

/** Downloads and unpacks a nixpkgs tarball into the Nix store and hashes the unpacked tree. */
@FunctionalInterface
public interface Prefetcher {

  /**
   * @param sha256 the hash of the unpacked tree's NAR, what {@code nix-prefetch-url --unpack} prints
   * @param storePath where the unpacked tree now is
   */
  record PrefetchResult(NixHash sha256, Path storePath) {}

  PrefetchResult prefetch(String url);
}
