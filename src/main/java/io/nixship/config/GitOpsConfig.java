package io.nixship.config;

import java.util.List;
import java.util.Optional;

/**
 * A GitOps repository holding the manifests, from {@code gitops:} in {@code .nixship.yaml}: {@code
 * release} bumps them there (one pull request per image) and only reads the application's
 * repository.
 *
 * @param repository {@code owner/name} on the same GitHub
 * @param branch the branch the manifests are read from and the pull request targets; empty: the
 *     repository's default branch
 * @param manifests files, directories or globs relative to that repository's root
 */
public record GitOpsConfig(String repository, Optional<String> branch, List<String> manifests) {
    public GitOpsConfig {
        manifests = List.copyOf(manifests);
    }

    /** Whether {@code value} names a repository as {@code owner/name}. */
    public static boolean isRepositoryName(String value) {
        return value.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
    }
}
