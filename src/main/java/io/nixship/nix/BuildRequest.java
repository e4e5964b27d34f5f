package io.nixship.nix;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code nix-build}: {@code nixFile} (relative to {@code sourceDirectory}, the commit's files
 * on disk) evaluated with {@code environment} (e.g. {@code BUILD=1}) against the nixpkgs at {@code
 * nixpkgsPath}. {@code displayDirectory} is the project's path in the repository ({@code ""} at the
 * root), so errors name {@code examples/app/default.nix:3} rather than a temporary path. The result
 * is kept alive against garbage collection by the symlink {@code outLink} until the caller deletes
 * it.
 */
public record BuildRequest(
        Path sourceDirectory,
        String nixFile,
        String displayDirectory,
        Map<String, String> environment,
        String nixpkgsPath,
        Path outLink) {
    public BuildRequest {
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }
}
