package io.nixship.pipeline.port;

import io.nixship.manifest.ManifestFiles;

/**
 * Where the manifests a release bumps live: the released commit's own tree, or the branch of a
 * GitOps repository. Its base commit is also the base of the {@code nixship/*} branch.
 */
public interface ManifestRepository {
    /** The commit whose manifests are bumped, for a release of {@code releasedCommit}. */
    String base(String releasedCommit);

    /** The manifests at {@code commit}; read-only. */
    ManifestFiles manifests(String commit);

    /** The manifests in the released commit itself, as {@code commits} reads them. */
    static ManifestRepository releasedCommit(ProjectCommits commits) {
        return new ManifestRepository() {
            @Override
            public String base(String releasedCommit) {
                return releasedCommit;
            }

            @Override
            public ManifestFiles manifests(String commit) {
                return commits.manifests(commit);
            }
        };
    }
}
