package io.nixship.nix.channel;

import io.nixship.NixshipException;
import io.nixship.config.NixpkgsLock;
import io.nixship.nix.PrefetchResult;
import io.nixship.nix.Prefetcher;
import java.nio.file.Path;

/**
 * Checks, on every use, that the lock's tarball still unpacks to the recorded hash: a channel
 * mirror or URL that starts serving other bytes must not change what gets built.
 */
public final class LockVerifier {
    private final Prefetcher prefetcher;

    public LockVerifier(Prefetcher prefetcher) {
        this.prefetcher = prefetcher;
    }

    /**
     * Downloads the lock's tarball and returns it unpacked; fails naming the lock file, the URL and
     * both hashes when they differ.
     *
     * @param lockFile where the lock was read from; relative URLs resolve against its directory
     */
    public PrefetchResult verify(NixpkgsLock lock, Path lockFile) {
        Path directory = lockFile.toAbsolutePath().getParent();
        String url = lock.resolveUrl(directory);
        PrefetchResult fetched = prefetcher.prefetch(url);
        if (!fetched.hash().equals(lock.sha256())) {
            throw NixshipException.failure(
                    lockFile
                            + ": nixpkgs tarball "
                            + url
                            + " unpacks to sha256 "
                            + fetched.hash().base32()
                            + " but the lock expects "
                            + lock.sha256().base32()
                            + "; refusing to use it (the server changed or tampered with the tarball)");
        }
        return fetched;
    }
}
