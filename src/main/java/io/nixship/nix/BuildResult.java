package io.nixship.nix;

import java.nio.file.Path;

/** A built derivation's output path and the GC-root symlink that keeps it in the store. */
public record BuildResult(String outPath, Path outLink) {}
