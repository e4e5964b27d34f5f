package io.nixship.manifest;

import java.nio.file.Path;

/** A file a manifests entry named that is not YAML (a Helm template, say), with why. */
public record SkippedFile(Path file, String reason) {}
