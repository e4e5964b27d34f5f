package io.nixship.nix.channel;

import io.nixship.config.NixpkgsLock;
import io.nixship.nix.PrefetchResult;
import java.util.Optional;

/**
 * The outcome of pinning a release.
 *
 * @param previous the lock before, if there was one
 * @param lock the lock to write
 * @param changed false when {@code lock} equals {@code previous}: nothing to write or propose
 * @param fetched the unpacked tarball when it was downloaded; empty when the revision was already
 *     pinned and nothing was downloaded
 */
public record LockUpdate(
        Optional<NixpkgsLock> previous,
        NixpkgsLock lock,
        boolean changed,
        Optional<PrefetchResult> fetched) {}
