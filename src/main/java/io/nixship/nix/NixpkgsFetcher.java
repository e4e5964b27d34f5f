package io.nixship.nix;

import io.nixship.config.NixHash;
import io.nixship.config.NixpkgsLock;
import java.util.List;

/**
 * Makes the locked nixpkgs available in the Nix store, downloading it at most once and always
 * checking the lock's hash.
 *
 * <p>The store path of an unpacked tarball is fixed by its hash and name ({@code source}, the same
 * as {@code builtins.fetchTarball}), so {@code nix-store --print-fixed-path} computes it without
 * any download and {@code --check-validity} says whether it is already there. Only when it is
 * missing does {@code nix-prefetch-url --unpack} fetch the URL; its reported hash is compared with
 * the lock's.
 */
public final class NixpkgsFetcher implements Prefetcher {
    /**
     * The store name of the unpacked tree; matches {@code fetchTarball}'s default, so both share
     * it.
     */
    public static final String STORE_NAME = "source";

    private final NixCommands nix;
    private final NixVersionCheck versions;

    public NixpkgsFetcher(ProcessRunner runner, NixSettings settings) {
        this.nix = new NixCommands(runner, settings);
        this.versions = new NixVersionCheck(runner, settings);
    }

    /**
     * The lock's nixpkgs as a store path. {@code url} is the lock's URL already resolved ({@link
     * NixpkgsLock#resolveUrl}); {@code lockFileName} names the lock in errors.
     *
     * @throws NixException {@link NixFailureKind#HASH_MISMATCH} when the download has another hash,
     *     {@link NixFailureKind#FETCH_FAILED} when it cannot be fetched, {@link
     *     NixFailureKind#NIX_TOO_OLD} when it needs a newer Nix than this machine's
     */
    public NixpkgsSource fetch(NixpkgsLock lock, String url, String lockFileName) {
        String expected = fixedPath(lock.sha256());
        String release = lock.release().orElse(url) + " (" + lockFileName + ")";
        if (isValid(expected)) {
            versions.require(expected, release);
            return new NixpkgsSource(expected, false);
        }
        PrefetchResult fetched = prefetch(url, "the nixpkgs of " + lockFileName);
        if (!fetched.hash().equals(lock.sha256())) {
            throw new NixException(
                    NixFailureKind.HASH_MISMATCH,
                    lockFileName
                            + ": nixpkgs tarball "
                            + url
                            + " has sha256 "
                            + fetched.hash().base32()
                            + " but the lock expects "
                            + lock.sha256().base32()
                            + "; refusing it (re-pin with `nixship lock` only if the new tarball is trusted)",
                    List.of());
        }
        if (!fetched.storePath().equals(expected)) {
            throw new NixException(
                    NixFailureKind.FETCH_FAILED,
                    "nix-prefetch-url stored "
                            + url
                            + " at "
                            + fetched.storePath()
                            + ", expected "
                            + expected,
                    List.of());
        }
        versions.require(expected, release);
        return new NixpkgsSource(expected, true);
    }

    /**
     * Downloads and unpacks {@code url} into the store and reports its hash (for pinning a new
     * lock).
     */
    @Override
    public PrefetchResult prefetch(String url) {
        return prefetch(url, "nixpkgs");
    }

    private PrefetchResult prefetch(String url, String neededBy) {
        ProcessResult result =
                nix.run(
                        "nix-prefetch-url",
                        List.of(
                                "--unpack",
                                "--type",
                                "sha256",
                                "--print-path",
                                "--name",
                                STORE_NAME,
                                url));
        List<String> lines =
                result.stdout().lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        if (!result.succeeded() || lines.size() != 2) {
            String reason =
                    DownloadFailure.in(result.stderrTail())
                            .map(download -> download.describe(neededBy))
                            .orElseGet(
                                    () ->
                                            "cannot fetch nixpkgs from "
                                                    + url
                                                    + NixOutput.lastError(result.stderrTail())
                                                            .map(error -> ": " + error)
                                                            .orElse(""));
            throw new NixException(NixFailureKind.FETCH_FAILED, reason, result.stderrTail());
        }
        NixHash hash =
                NixHash.parse(lines.get(0))
                        .orElseThrow(
                                () ->
                                        new NixException(
                                                NixFailureKind.FETCH_FAILED,
                                                "nix-prefetch-url printed an unexpected hash '"
                                                        + lines.get(0)
                                                        + "'",
                                                List.of()));
        return new PrefetchResult(hash, lines.get(1));
    }

    /** The store path a tree with this hash has, whether or not it is present. */
    public String fixedPath(NixHash hash) {
        ProcessResult result =
                nix.runChecked(
                        "nix-store",
                        List.of(
                                "--print-fixed-path",
                                "--recursive",
                                "sha256",
                                hash.base32(),
                                STORE_NAME));
        return result.stdout().trim();
    }

    private boolean isValid(String storePath) {
        return nix.runQuietly("nix-store", List.of("--check-validity", storePath)).succeeded();
    }
}
