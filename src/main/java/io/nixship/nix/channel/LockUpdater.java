package io.nixship.nix.channel;

import io.nixship.config.NixpkgsLock;
import java.util.Optional;

/**
 * Moves a lock to a release. The release's tarball is downloaded once, to compute the hash the lock
 * records; when the lock already pins the same revision at the same URL nothing is downloaded and
 * the recorded hash stays (checking it is {@link LockVerifier}'s job, on use).
 */
public final class LockUpdater {
  private final Prefetcher prefetcher;

  public LockUpdater(Prefetcher prefetcher) {
    this.prefetcher = prefetcher;
  }

  public LockUpdate update(Optional<NixpkgsLock> current, ChannelRelease release) {
    Optional<String> revision =
        release.hasFullRevision() ? Optional.of(release.revision()) : Optional.empty();
    if (current.isPresent() && pinsSameTarball(current.get(), release, revision)) {
      NixpkgsLock kept =
          new NixpkgsLock(
              Optional.of(release.channel()),
              Optional.of(release.release()),
              revision,
              release.tarballUrl(),
              current.get().sha256());
      return new LockUpdate(current, kept, !kept.equals(current.get()), Optional.empty());
    }
    Prefetcher.PrefetchResult fetched = prefetcher.prefetch(release.tarballUrl());
    NixpkgsLock lock =
        new NixpkgsLock(
            Optional.of(release.channel()),
            Optional.of(release.release()),
            revision,
            release.tarballUrl(),
            fetched.sha256());
    boolean changed = current.map(previous -> !previous.equals(lock)).orElse(true);
    return new LockUpdate(current, lock, changed, Optional.of(fetched));
  }

  private static boolean pinsSameTarball(
      NixpkgsLock lock, ChannelRelease release, Optional<String> revision) {
    return lock.url().equals(release.tarballUrl()) && lock.revision().equals(revision);
  }
}
