package io.nixship.nix.channel;

import io.nixship.nix.Prefetcher;
import io.nixship.nix.PrefetchResult;
import io.nixship.config.NixpkgsLock;
import java.util.Optional;

/**
 * Moves a lock to a release. The release's tarball is downloaded once, to compute the hash the lock
 * records. When the lock already pins the release's commit nothing is downloaded: the lock keeps its
 * URL, hash and release name (the same commit is the same nixpkgs, whichever tarball carries it, so
 * a workstation pin does not flap to the channel's tarball) and only takes the release's channel.
 * Checking the recorded hash is {@link LockVerifier}'s job, on use.
 */
public final class LockUpdater {
  private final Prefetcher prefetcher;

  public LockUpdater(Prefetcher prefetcher) {
    this.prefetcher = prefetcher;
  }

  public LockUpdate update(Optional<NixpkgsLock> current, ChannelRelease release) {
    Optional<String> revision =
        release.hasFullRevision() ? Optional.of(release.revision()) : Optional.empty();
    if (current.isPresent() && pinsSameCommit(current.get(), release, revision)) {
      NixpkgsLock kept =
          new NixpkgsLock(
              Optional.of(release.channel()),
              current.get().release().or(() -> Optional.of(release.release())),
              current.get().revision(),
              current.get().url(),
              current.get().sha256());
      return new LockUpdate(current, kept, !kept.equals(current.get()), Optional.empty());
    }
    PrefetchResult fetched = prefetcher.prefetch(release.tarballUrl());
    NixpkgsLock lock =
        new NixpkgsLock(
            Optional.of(release.channel()),
            Optional.of(release.release()),
            revision,
            release.tarballUrl(),
            fetched.hash());
    boolean changed = current.map(previous -> !previous.equals(lock)).orElse(true);
    return new LockUpdate(current, lock, changed, Optional.of(fetched));
  }

  /** Same full commit; without full commits on both sides only the same URL is the same pin. */
  private static boolean pinsSameCommit(
      NixpkgsLock lock, ChannelRelease release, Optional<String> revision) {
    if (lock.revision().isPresent() && revision.isPresent()) {
      return lock.revision().equals(revision);
    }
    return lock.url().equals(release.tarballUrl()) && lock.revision().equals(revision);
  }
}
