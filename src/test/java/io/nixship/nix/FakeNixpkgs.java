package io.nixship.nix;

import io.nixship.config.NixHash;
import io.nixship.config.NixpkgsLock;
import io.nixship.testsupport.TestNix;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * A one-file stand-in for nixpkgs, {@code { greeting = "hello-<unique>"; }}, as a tar.gz like a
 * channel's, with its hash computed independently by {@code nix-hash} over the unpacked tree. The
 * unique greeting gives each test run fresh store paths.
 */
record FakeNixpkgs(Path tarball, String greeting, NixHash hash) {
    static FakeNixpkgs create(Path dir) throws IOException, InterruptedException {
        String greeting = "hello-" + UUID.randomUUID();
        Path tree = dir.resolve("tree/nixpkgs-fake");
        Files.createDirectories(tree);
        String expression = "{ ... }: { greeting = \"" + greeting + "\"; }\n";
        Files.writeString(tree.resolve("default.nix"), expression);
        Path tarball = dir.resolve("nixexprs.tar.gz");
        try (OutputStream file = Files.newOutputStream(tarball);
                TarArchiveOutputStream tar =
                        new TarArchiveOutputStream(new GzipCompressorOutputStream(file))) {
            TarArchiveEntry top = new TarArchiveEntry("nixpkgs-fake/");
            top.setMode(0755);
            tar.putArchiveEntry(top);
            tar.closeArchiveEntry();
            byte[] content = expression.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry("nixpkgs-fake/default.nix");
            entry.setMode(0644);
            entry.setSize(content.length);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        Process hashing =
                new ProcessBuilder(
                                TestNix.program("nix-hash"),
                                "--type",
                                "sha256",
                                "--base32",
                                tree.toString())
                        .redirectErrorStream(true)
                        .start();
        String printed =
                new String(hashing.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (hashing.waitFor() != 0) {
            throw new IOException("nix-hash failed: " + printed);
        }
        return new FakeNixpkgs(tarball, greeting, NixHash.parse(printed).orElseThrow());
    }

    NixpkgsLock lock(String url) {
        return new NixpkgsLock(
                Optional.of("nixos-test"), Optional.empty(), Optional.empty(), url, hash);
    }

    String fileUrl() {
        return tarball.toUri().toString();
    }
}
