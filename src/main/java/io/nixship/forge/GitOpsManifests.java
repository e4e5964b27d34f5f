package io.nixship.forge;

import io.nixship.manifest.ManifestFiles;
import io.nixship.pipeline.port.ManifestRepository;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * The manifests of a GitOps repository: its base branch is fetched into the application's local
 * repository (under {@code refs/nixship/base/}, never its own branches), read at the tip and used
 * as the base of the {@code nixship/*} branch pushed there. The application repository is only
 * read.
 */
public final class GitOpsManifests implements ManifestRepository {
    private final ManifestBranchPublisher remote;
    private final Repository local;
    private final String branch;

    /**
     * @param remote the GitOps repository's branch store
     * @param local the repository its commits are fetched into
     * @param branch its branch the manifests are read from and the pull request targets
     */
    public GitOpsManifests(ManifestBranchPublisher remote, Repository local, String branch) {
        this.remote = remote;
        this.local = local;
        this.branch = branch;
    }

    @Override
    public String base(String releasedCommit) {
        return remote.readBase(branch);
    }

    @Override
    public ManifestFiles manifests(String commit) {
        return GitTreeManifestFiles.at(local, ObjectId.fromString(commit), "");
    }
}
