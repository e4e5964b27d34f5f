package io.nixship.pipeline.port;

import io.nixship.manifest.ManifestFiles;
import java.util.List;
import java.util.Optional;

/**
 * The project's repository as its commits hold it (never the working tree), including the commits
 * of a branch just read from the {@link BranchStore}.
 */
public interface ProjectCommits {
    /** The manifests at {@code commit}, paths repository-relative; read-only. */
    ManifestFiles manifests(String commit);

    /** The ids of {@code commit}'s parents. */
    List<String> parents(String commit);

    /**
     * The file at {@code repositoryPath} in {@code commit}; empty when it holds none or it cannot
     * be read.
     */
    Optional<byte[]> readFile(String commit, String repositoryPath);
}
