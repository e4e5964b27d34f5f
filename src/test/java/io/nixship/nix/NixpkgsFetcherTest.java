package io.nixship.nix;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import io.nixship.config.NixHash;
import io.nixship.config.NixpkgsLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("nix")
class NixpkgsFetcherTest {
    @TempDir Path dir;
    private final NixTestSettings nix = new NixTestSettings();

    @Test
    void fetchesOnceVerifiesTheHashAndThenReusesTheStorePath() throws Exception {
        FakeNixpkgs fake = FakeNixpkgs.create(dir);
        NixpkgsLock lock = fake.lock("nixexprs.tar.gz");
        NixpkgsFetcher fetcher = new NixpkgsFetcher(new SystemProcessRunner(), nix.settings);

        NixpkgsSource first = fetcher.fetch(lock, lock.resolveUrl(dir), "nixship.lock");
        assertThat(first.downloaded()).isTrue();
        assertThat(first.storePath()).endsWith("-source");
        assertThat(Path.of(first.storePath(), "default.nix")).content().contains(fake.greeting());

        Files.delete(fake.tarball());
        NixpkgsSource again = fetcher.fetch(lock, lock.resolveUrl(dir), "nixship.lock");
        assertThat(again).isEqualTo(new NixpkgsSource(first.storePath(), false));
    }

    @Test
    void sriHashInTheLockWorksTheSame() throws Exception {
        FakeNixpkgs fake = FakeNixpkgs.create(dir);
        NixpkgsLock lock =
                NixpkgsLock.parse(
                        ("url: " + fake.fileUrl() + "\nsha256: " + fake.hash().sri() + "\n")
                                .getBytes(UTF_8),
                        "nixship.lock");
        NixpkgsSource source =
                new NixpkgsFetcher(new SystemProcessRunner(), nix.settings)
                        .fetch(lock, lock.resolveUrl(dir), "nixship.lock");
        assertThat(Path.of(source.storePath(), "default.nix")).content().contains(fake.greeting());
    }

    @Test
    void hashMismatchNamesTheLockTheExpectedAndTheActualHash() throws Exception {
        FakeNixpkgs fake = FakeNixpkgs.create(dir);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        NixHash wrong = new NixHash(random);
        NixpkgsLock lock =
                new NixpkgsLock(
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        fake.fileUrl(),
                        wrong);
        assertThatThrownBy(
                        () ->
                                new NixpkgsFetcher(new SystemProcessRunner(), nix.settings)
                                        .fetch(
                                                lock,
                                                lock.resolveUrl(dir),
                                                "examples/app/nixship.lock"))
                .isInstanceOfSatisfying(
                        NixException.class,
                        e -> {
                            assertThat(e.kind()).isEqualTo(NixFailureKind.HASH_MISMATCH);
                            assertThat(e.exitCode()).isEqualTo(NixshipException.FAILURE);
                        })
                .hasMessageStartingWith(
                        "examples/app/nixship.lock: nixpkgs tarball " + fake.fileUrl())
                .hasMessageContaining("has sha256 " + fake.hash().base32())
                .hasMessageContaining("the lock expects " + wrong.base32());
    }

    @Test
    void missingTarballIsAFetchFailure() throws Exception {
        FakeNixpkgs fake = FakeNixpkgs.create(dir);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        NixpkgsLock lock =
                new NixpkgsLock(
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        "missing.tar.gz",
                        new NixHash(random));
        assertThatThrownBy(
                        () ->
                                new NixpkgsFetcher(new SystemProcessRunner(), nix.settings)
                                        .fetch(lock, lock.resolveUrl(dir), "nixship.lock"))
                .isInstanceOfSatisfying(
                        NixException.class,
                        e -> assertThat(e.kind()).isEqualTo(NixFailureKind.FETCH_FAILED))
                .hasMessageStartingWith(
                        "cannot download "
                                + dir.resolve("missing.tar.gz").toUri()
                                + " for the nixpkgs of nixship.lock: the file is missing or unreadable (");
        assertThat(fake.tarball()).exists();
    }

    @Test
    void prefetchReportsTheHashForANewLock() throws Exception {
        FakeNixpkgs fake = FakeNixpkgs.create(dir);
        PrefetchResult result =
                new NixpkgsFetcher(new SystemProcessRunner(), nix.settings)
                        .prefetch(fake.fileUrl());
        assertThat(result.hash()).isEqualTo(fake.hash());
        assertThat(result.storePath())
                .isEqualTo(
                        new NixpkgsFetcher(new SystemProcessRunner(), nix.settings)
                                .fixedPath(fake.hash()));
    }

    @Test
    void missingNixSaysToInstallIt() throws Exception {
        FakeNixpkgs fake = FakeNixpkgs.create(dir);
        NixSettings noNix = nix.settings.withBinDirectory(dir.resolve("no-nix-here"));
        assertThatThrownBy(
                        () ->
                                new NixpkgsFetcher(new SystemProcessRunner(), noNix)
                                        .fetch(
                                                fake.lock(fake.fileUrl()),
                                                fake.fileUrl(),
                                                "nixship.lock"))
                .isInstanceOfSatisfying(
                        NixException.class,
                        e -> {
                            assertThat(e.kind()).isEqualTo(NixFailureKind.NOT_INSTALLED);
                            assertThat(e.exitCode()).isEqualTo(NixshipException.FAILURE);
                        })
                .hasMessage(
                        "nix-store not found in "
                                + dir.resolve("no-nix-here")
                                + " (NIXSHIP_NIX_BIN): point"
                                + " NIXSHIP_NIX_BIN at the directory holding Nix's programs, or unset it to use PATH");
    }
}
