package io.nixship.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NixpkgsLockTest {
    // Both printed by Nix for the same hash: `nix-hash --to-base16 --type sha256 <BASE32>`.
    private static final String BASE32 = "1hdyaxxy4la47zkf9438sdg71wdm3qxv2mcpvq99zjy7lk1zrfcr";
    private static final String REV = "0123456789abcdef0123456789abcdef01234567";

    @TempDir Path dir;

    @Test
    void sriAndBase32NameTheSameHashAndTheLockStoresBase32() {
        NixHash hash = NixHash.parse(BASE32).orElseThrow();
        assertThat(NixHash.parse(hash.sri())).contains(hash);
        assertThat(hash.base16())
                .isEqualTo("99b9fcc3a4c7cb9f12de9755b13b1eb5f1705ed36890e4e63f4451e27b57bec1");
        assertThat(NixHash.parse(hash.base16())).contains(hash);
        assertThat(hash.base32()).isEqualTo(BASE32);
        NixpkgsLock lock =
                NixpkgsLock.parse(
                        ("url: https://x/y.tar.gz\nsha256: " + hash.sri() + "\n")
                                .getBytes(StandardCharsets.UTF_8),
                        "nixship.lock");
        assertThat(lock.sha256().base32()).isEqualTo(BASE32);
        assertThat(lock.toYaml()).contains("sha256: \"" + BASE32 + "\"");
    }

    @Test
    void writesDeterministicallyAndReadsBack() throws Exception {
        NixpkgsLock lock =
                new NixpkgsLock(
                        Optional.of("nixos-24.05"),
                        Optional.of("nixos-24.05.1234.abcdef"),
                        Optional.of(REV),
                        "https://releases.nixos.org/x/nixexprs.tar.xz",
                        NixHash.parse(BASE32).orElseThrow());
        Path file = dir.resolve("nixship.lock");
        lock.write(file);
        byte[] first = Files.readAllBytes(file);
        lock.write(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(first);
        assertThat(new String(first, StandardCharsets.UTF_8))
                .isEqualTo(
                        "# Pins nixpkgs exactly; written by `nixship lock`.\n"
                                + "channel: \"nixos-24.05\"\n"
                                + "release: \"nixos-24.05.1234.abcdef\"\n"
                                + "revision: \""
                                + REV
                                + "\"\n"
                                + "url: \"https://releases.nixos.org/x/nixexprs.tar.xz\"\n"
                                + "sha256: \""
                                + BASE32
                                + "\"\n");
        assertThat(NixpkgsLock.read(file)).isEqualTo(lock);
    }

    @Test
    void badHashAndRevisionNameTheLine() {
        assertThatThrownBy(
                        () ->
                                NixpkgsLock.parse(
                                        "url: u\nsha256: abc\n".getBytes(StandardCharsets.UTF_8),
                                        "nixship.lock"))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith("nixship.lock:2: sha256 'abc' is not");
        assertThatThrownBy(
                        () ->
                                NixpkgsLock.parse(
                                        ("revision: HEAD\nurl: u\nsha256: " + BASE32 + "\n")
                                                .getBytes(StandardCharsets.UTF_8),
                                        "nixship.lock"))
                .hasMessageStartingWith("nixship.lock:1: revision 'HEAD'");
        assertThatThrownBy(
                        () ->
                                NixpkgsLock.parse(
                                        "sha256: x\n".getBytes(StandardCharsets.UTF_8),
                                        "nixship.lock"))
                .hasMessageContaining("missing field 'url'");
        assertThatThrownBy(
                        () ->
                                NixpkgsLock.parse(
                                        "url: u\nsha: x\n".getBytes(StandardCharsets.UTF_8),
                                        "nixship.lock"))
                .hasMessageStartingWith("nixship.lock:2: unknown field 'sha'");
    }

    @Test
    void relativeUrlsResolveAgainstTheLockDirectory() {
        NixpkgsLock lock =
                new NixpkgsLock(
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        "../pkgs/np.tar.gz",
                        NixHash.parse(BASE32).orElseThrow());
        assertThat(lock.resolveUrl(Path.of("/repo/examples/app")))
                .isEqualTo("file:///repo/examples/pkgs/np.tar.gz");
        assertThat(lock.isRemote()).isFalse();
    }
}
