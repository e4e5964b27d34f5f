package io.nixship.nix;

/**
 * Downloads and unpacks a nixpkgs tarball into the store and reports the hash of the unpacked tree.
 */
@FunctionalInterface
public interface Prefetcher {
    PrefetchResult prefetch(String url);
}
