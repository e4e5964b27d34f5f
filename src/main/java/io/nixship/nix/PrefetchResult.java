package io.nixship.nix;

import io.nixship.config.NixHash;

/** What {@code nix-prefetch-url --unpack} reports: the unpacked tree's hash and its store path. */
public record PrefetchResult(NixHash hash, String storePath) {}
