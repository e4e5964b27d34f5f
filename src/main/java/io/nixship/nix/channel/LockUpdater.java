package io.nixship.nix.channel;

import io.nixship.config.NixpkgsLock;
import io.nixship.nix.PrefetchResult;
import io.nixship.nix.Prefetcher;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Moves a lock to a release. The release's tarball is downloaded once, to compute the hash the lock
 * records, and its tree is shown to the {@link ReleaseCheck} (is this machine's Nix new enough?)
 * before it is pinned. When the lock already pins the release's commit on the same channel nothing
 * is downloaded: the lock keeps its URL, hash and release name (the same commit is the same
 * nixpkgs, whichever tarball carries it, so a workstation pin does not flap to the channel's
 * tarball). A lock that moves to another channel at the same commit takes that channel's release,
 * URL and hash. Checking the recorded hash is {@link LockVerifier}'s job, on use.
 */
public final class LockUpdater {
    /** Looks at a release's unpacked tree before it is pinned; throws to refuse it. */
    @FunctionalInterface
    public interface ReleaseCheck {
        void check(String storePath, String release);
    }

    private final Prefetcher prefetcher;
    private final ReleaseCheck check;

    public LockUpdater(Prefetcher prefetcher, ReleaseCheck check) {
        this.prefetcher = prefetcher;
        this.check = check;
    }

    public LockUpdate update(Optional<NixpkgsLock> current, ChannelRelease release) {
        return update(current, release, () -> prefetcher.prefetch(release.tarballUrl()));
    }

    /**
     * Like {@link #update(Optional, ChannelRelease)}, with the release's tree coming from {@code
     * tree} (e.g. the workstation's own channel tree added to the store) instead of a download;
     * {@code tree} is only asked when the lock moves.
     */
    public LockUpdate update(
            Optional<NixpkgsLock> current, ChannelRelease release, Supplier<PrefetchResult> tree) {
        Optional<String> revision =
                release.hasFullRevision() ? Optional.of(release.revision()) : Optional.empty();
        if (current.isPresent()
                && current.get().channel().equals(Optional.of(release.channel()))
                && pinsSameCommit(current.get(), release, revision)) {
            NixpkgsLock kept =
                    new NixpkgsLock(
                            current.get().channel(),
                            current.get().release().or(() -> Optional.of(release.release())),
                            current.get().revision(),
                            current.get().url(),
                            current.get().sha256());
            return new LockUpdate(current, kept, !kept.equals(current.get()), Optional.empty());
        }
        PrefetchResult fetched = tree.get();
        check.check(fetched.storePath(), release.release());
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
